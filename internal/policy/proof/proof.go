// Package proof holds the fixed catalogue of requests that proves the
// baseline's promises with AWS's own evaluator (iam:SimulatePrincipalPolicy),
// and the judgement of the answers. It is pure: the operator asks AWS (through
// internal/aws) and a plan can ask internal/policy/eval, with the same
// catalogue and the same judgement.
//
// The promises:
//
//   - MFA: without MFA (aws:MultiFactorAuthPresent false, or absent as with
//     long-term access keys) a member can do nothing but first sign-in and MFA
//     enrolment on their own user; with bare long-term keys not even
//     enrolment; with MFA the MFA policy stands aside and the group grants
//     apply.
//   - Trust: a role can be assumed by each person it lists only with MFA, and
//     not by another member of the account.
package proof

import (
	"fmt"
	"slices"
	"strings"
)

// MFA is the value of aws:MultiFactorAuthPresent in a simulated request.
type MFA string

// The three MFA contexts a request can carry.
const (
	// MFAAbsent: no key at all, as requests signed with long-term access keys.
	MFAAbsent MFA = ""
	// MFAFalse: a console or session request without MFA.
	MFAFalse MFA = "false"
	// MFATrue: signed in with MFA.
	MFATrue MFA = "true"
)

// Want is what the promise requires of a request's decision.
type Want int

// Expectations.
const (
	// Denied: explicitly or implicitly denied.
	Denied Want = iota
	// Allowed: the evaluator allows it.
	Allowed
	// NotDeniedBy: no statement of the policy named in the request's
	// NotDeniedBy decides a Deny (with MFA, the MFA policy must stand aside;
	// whether the groups grant the action is theirs to say).
	NotDeniedBy
)

// Request is one question of a catalogue.
type Request struct {
	Action   string
	Resource string
	MFA      MFA
	// Principal is the simulated caller (an IAM user ARN).
	Principal string
	Want      Want
	// NotDeniedBy is the policy (ARN) that must not deny, for Want NotDeniedBy.
	NotDeniedBy string
	// ResourcePolicy is the resource-based policy to evaluate with (a role's
	// trust), or empty.
	ResourcePolicy string
}

// String describes the request for a condition message and an event.
func (r Request) String() string {
	ctx := "with long-term keys (no MFA key)"
	switch r.MFA {
	case MFAFalse:
		ctx = "without MFA"
	case MFATrue:
		ctx = "with MFA"
	}
	want := "denied"
	switch r.Want {
	case Allowed:
		want = "allowed"
	case NotDeniedBy:
		want = "not denied by " + r.NotDeniedBy
	}
	return fmt.Sprintf("%s on %s by %s %s must be %s", r.Action, r.Resource, r.Principal, ctx, want)
}

// Answer is the evaluator's decision on one request.
type Answer struct {
	// Decision is IAM's EvalDecision: allowed, explicitDeny, implicitDeny.
	Decision string
	// DenyingPolicies are the policies with a matched statement when the
	// decision is an explicit deny (IAM reports matched statements, not their
	// effect; with an explicit deny one of them is the Deny).
	MatchedPolicies []string
}

// Result is the outcome of a proof.
type Result struct {
	// Proven counts the requests that hold.
	Proven int
	// Broken is the first request that does not hold, with the answer.
	Broken *Request
	Got    Answer
}

// Holds reports whether every request held.
func (r Result) Holds() bool { return r.Broken == nil }

// Message is the condition message: the count, or the first broken request.
func (r Result) Message(promise string) string {
	if r.Broken == nil {
		return fmt.Sprintf("%s: %d requests proven with iam:SimulatePrincipalPolicy", promise, r.Proven)
	}
	return fmt.Sprintf("%s is broken: %s, but iam:SimulatePrincipalPolicy says %s (%d requests proven before it)",
		promise, r.Broken, r.Got.Decision, r.Proven)
}

// Judge checks each answer against its request, in catalogue order.
// answers[i] answers requests[i].
func Judge(requests []Request, answers []Answer) Result {
	var res Result
	for i, q := range requests {
		a := Answer{Decision: "no answer"}
		if i < len(answers) {
			a = answers[i]
		}
		if !holds(q, a) {
			q := q
			res.Broken, res.Got = &q, a
			return res
		}
		res.Proven++
	}
	return res
}

func holds(q Request, a Answer) bool {
	switch q.Want {
	case Allowed:
		return a.Decision == "allowed"
	case NotDeniedBy:
		if a.Decision == "allowed" || a.Decision == "implicitDeny" {
			return true
		}
		return a.Decision == "explicitDeny" && !slices.Contains(a.MatchedPolicies, q.NotDeniedBy)
	default:
		return a.Decision == "explicitDeny" || a.Decision == "implicitDeny"
	}
}

// Group is a set of requests that one simulation call answers: same
// principal, MFA context, resource and resource policy; several actions.
type Group struct {
	Principal      string
	MFA            MFA
	Resource       string
	ResourcePolicy string
	Actions        []string
	// Index maps each action to the positions of its requests.
	Index map[string][]int
}

// Batch groups requests into as few simulation calls as the API allows.
func Batch(requests []Request) []Group {
	var out []Group
	pos := map[string]int{}
	for i, q := range requests {
		k := strings.Join([]string{q.Principal, string(q.MFA), q.Resource, q.ResourcePolicy}, "\x00")
		g, ok := pos[k]
		if !ok {
			g = len(out)
			pos[k] = g
			out = append(out, Group{Principal: q.Principal, MFA: q.MFA, Resource: q.Resource, ResourcePolicy: q.ResourcePolicy, Index: map[string][]int{}})
		}
		if _, seen := out[g].Index[q.Action]; !seen {
			out[g].Actions = append(out[g].Actions, q.Action)
		}
		out[g].Index[q.Action] = append(out[g].Index[q.Action], i)
	}
	return out
}
