package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// DeletionPolicy says what happens in AWS when the Kubernetes object is deleted.
// +kubebuilder:validation:Enum=Delete;Retain
type DeletionPolicy string

const (
	// DeletionPolicyDelete removes everything the object created in AWS, in the order
	// IAM requires, before the object goes away.
	DeletionPolicyDelete DeletionPolicy = "Delete"
	// DeletionPolicyRetain leaves the AWS resources in place and only releases the object.
	DeletionPolicyRetain DeletionPolicy = "Retain"
)

// ManagementPolicy says whether the operator may change AWS.
// +kubebuilder:validation:Enum=Enforce;Observe
type ManagementPolicy string

const (
	// ManagementPolicyEnforce converges AWS to the spec.
	ManagementPolicyEnforce ManagementPolicy = "Enforce"
	// ManagementPolicyObserve reads AWS and reports drift on status, changing nothing.
	ManagementPolicyObserve ManagementPolicy = "Observe"
)

// Condition types shared by every kind. They follow the kstatus conventions that
// Argo CD and Flux read: Ready is the summary, Reconciling is True while work is under
// way, Stalled is True when progress needs a change to the spec (or to AWS by a person).
const (
	ConditionReady       = "Ready"
	ConditionReconciling = "Reconciling"
	ConditionStalled     = "Stalled"
	// ConditionDrifted is True when AWS differs from the spec; under Observe it is the
	// whole report, under Enforce it is transient.
	ConditionDrifted = "Drifted"
)

// Kind-specific condition types.
const (
	// ConditionMFAEnrolled (TeamMember) is True when the user has an MFA device.
	ConditionMFAEnrolled = "MFAEnrolled"
	// ConditionRootMFAEnabled (AccountBaseline) is True when the root user has MFA.
	ConditionRootMFAEnabled = "RootMFAEnabled"
	// ConditionRootAccessKeysAbsent (AccountBaseline) is True when root has no access keys.
	ConditionRootAccessKeysAbsent = "RootAccessKeysAbsent"
	// ConditionCISCompliant (AccountBaseline) summarises status.findings.
	ConditionCISCompliant = "CISCompliant"
	// ConditionMFAEnforced (AccountBaseline) is the proof, by AWS's own
	// evaluator (iam:SimulatePrincipalPolicy), that without MFA the account's
	// members can do nothing but sign in and enrol MFA: True with the number of
	// requests proven, False naming the first request that breaks the promise.
	ConditionMFAEnforced = "MFAEnforced"
	// ConditionTrustVerified (AssumableRole) is the same proof for a role: each
	// listed person may assume it with MFA only, an unlisted member not at all.
	ConditionTrustVerified = "TrustVerified"
)

// Condition reasons. Reasons are CamelCase and stable: alerts and tests match on them.
const (
	ReasonReconciled        = "Reconciled"
	ReasonProgressing       = "Progressing"
	ReasonInvalidSpec       = "InvalidSpec"
	ReasonAccountNotReady   = "AccountNotReady"
	ReasonWrongAccount      = "WrongAccount"
	ReasonOwnedByOther      = "OwnedByAnotherObject"
	ReasonNotManaged        = "ExistsNotManaged"
	ReasonNotAllowed        = "NotAllowedBySelfService"
	ReasonAWSError          = "AWSError"
	ReasonThrottled         = "Throttled"
	ReasonDeleting          = "Deleting"
	ReasonObserved          = "Observed"
	ReasonDriftDetected     = "DriftDetected"
	ReasonInSync            = "InSync"
	ReasonWaitingForMembers = "WaitingForMembers"
	ReasonProven            = "Proven"
	ReasonPromiseBroken     = "PromiseBroken"
	ReasonNothingToProve    = "NothingToProve"
)

// Tags are IAM tags added to the resource next to the operator's ownership tags.
// Values take IAM's character set (letters, digits, spaces and _.:/=+-@); that is
// checked before any AWS call rather than here, because a pattern over every value
// of an unbounded map is beyond the API server's CEL cost budget.
// At most 48 keys (IAM allows 50; the operator uses two). Keys under aws: and
// iam.baseline.dev/ are reserved.
// +kubebuilder:validation:MaxProperties=48
// +kubebuilder:validation:XValidation:rule="self.all(k, size(k) >= 1 && size(k) <= 128)",message="tag keys must be 1 to 128 characters"
// +kubebuilder:validation:XValidation:rule="self.all(k, size(self[k]) <= 256)",message="tag values must be at most 256 characters"
// +kubebuilder:validation:XValidation:rule="self.all(k, !k.startsWith('aws:') && !k.startsWith('iam.baseline.dev/'))",message="tag keys starting with aws: or iam.baseline.dev/ are reserved"
// +kubebuilder:validation:XValidation:rule="self.all(k, k.matches('^[\\\\p{L}\\\\p{Z}\\\\p{N}_.:/=+\\\\-@]+$'))",message="tag keys may contain only letters, digits, spaces and _.:/=+-@"
type Tags map[string]string

// InlinePolicy is a policy document embedded in one identity.
type InlinePolicy struct {
	// Name of the inline policy.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[\w+=,.@-]+$`
	Name string `json:"name"`
	// Document is the IAM policy JSON. It is validated before any AWS call and compared
	// canonically with AWS, so formatting and key order do not cause writes.
	// +kubebuilder:validation:MinLength=2
	// +kubebuilder:validation:MaxLength=10240
	Document string `json:"document"`
}

// CommonStatus is embedded in every kind's status.
type CommonStatus struct {
	// ObservedGeneration is the spec generation the conditions describe.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions: Ready, Reconciling, Stalled, Drifted and the kind's own.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// GetConditions returns a pointer to the conditions so helpers can set them.
func (s *CommonStatus) GetConditions() *[]metav1.Condition { return &s.Conditions }
