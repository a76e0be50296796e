// Package preview answers "what would the operator change in AWS if these manifests
// were applied?" without changing anything: it builds each object's desired state with
// internal/desired, reads AWS with the same internal/aws Observe calls the controllers
// make, and plans with internal/plan, the controllers' own planner. It makes no AWS
// write and no Kubernetes write; cmd/iam-baseline (plan) prints its Report.
package preview

// Report is the plan of a set of manifests: one entry per object, in a stable order,
// and the security findings a reviewer should read first.
type Report struct {
	Security []Finding `json:"security"`
	// Guarantees are the operator's promises checked on the state after the change
	// with the offline IAM evaluator.
	Guarantees []Guarantee `json:"guarantees"`
	Objects    []Object    `json:"objects"`
	Counts     Counts      `json:"counts"`
}

// Counts summarise a report; the exit status of the plan command follows them.
type Counts struct {
	// Changes are the AWS writes the operator would make (drift under Observe excluded).
	Changes int `json:"changes"`
	// Objects that would change, be deleted, be refused, wait, or could not be read.
	Changed int `json:"changed"`
	Deleted int `json:"deleted"`
	Refused int `json:"refused"`
	Waiting int `json:"waiting"`
	Errors  int `json:"errors"`
}

// Object is what one Kubernetes object would do in AWS.
type Object struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Resource names the AWS resource ("IAM user alice", "account 123456789012").
	Resource string `json:"resource"`
	Account  string `json:"account,omitempty"`
	// Action: create, update, delete, no-op, refused, waiting, observe (drift only,
	// the operator changes nothing), retain (removed from the manifests, left in AWS)
	// or error (AWS could not be read).
	Action  string   `json:"action"`
	Changes []Change `json:"changes,omitempty"`
	// Reason and Message say why an object is refused or waits, with the operator's
	// condition reason and message, word for word.
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// Key is kind/namespace/name, the object's identity in messages and maps.
func (o Object) Key() string { return o.Kind + "/" + o.Namespace + "/" + o.Name }

// Change is one AWS write, as the controllers' planner produced it.
type Change struct {
	// Action is the AWS operation (CreateUser, UpdateAssumeRolePolicy, ...).
	Action string `json:"action"`
	Target string `json:"target,omitempty"`
	// Detail is a one-line description of the values written (tags, path, settings).
	Detail string `json:"detail,omitempty"`
	// Document is the canonical form of a policy document written, indented; Diff
	// is the line diff from the document AWS holds, when one is replaced.
	Document string   `json:"document,omitempty"`
	Diff     []string `json:"diff,omitempty"`
}

// Finding is one line of the security summary.
type Finding struct {
	// Kind: principal-gains-access, trust-widens, trust-narrows, group-grants-change,
	// mfa-requirement-removed, guarantee.
	Kind    string `json:"kind"`
	Object  string `json:"object"`
	Message string `json:"message"`
}

// Action values of an Object.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionDelete  = "delete"
	ActionNoOp    = "no-op"
	ActionRefused = "refused"
	ActionWaiting = "waiting"
	ActionObserve = "observe"
	ActionRetain  = "retain"
	ActionError   = "error"
)
