package aws

import (
	"context"
	"fmt"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iam-baseline/operator/internal/policy/proof"
)

// Prover asks AWS's own evaluator (iam:SimulatePrincipalPolicy, read-only)
// the questions of a proof catalogue.
type Prover struct{ iam *iam.Client }

// NewProver returns the prover of an account.
func NewProver(c *Clients) *Prover { return &Prover{iam: c.IAM} }

// Prove answers every request with as few simulation calls as the API allows
// (one per principal, MFA context, resource and resource policy) and judges
// the answers. It returns the result and the number of calls made.
func (p *Prover) Prove(ctx context.Context, requests []proof.Request) (proof.Result, int, error) {
	answers := make([]proof.Answer, len(requests))
	calls := 0
	for _, g := range proof.Batch(requests) {
		in := &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: awssdk.String(g.Principal),
			ActionNames:     g.Actions,
			ResourceArns:    []string{g.Resource},
			ContextEntries:  contextEntries(g.Principal, g.MFA),
		}
		if g.ResourcePolicy != "" {
			in.ResourcePolicy = awssdk.String(g.ResourcePolicy)
		}
		pages := iam.NewSimulatePrincipalPolicyPaginator(p.iam, in)
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			calls++
			if err != nil {
				return proof.Result{}, calls, fmt.Errorf("iam:SimulatePrincipalPolicy for %s: %w", g.Principal, err)
			}
			for _, r := range out.EvaluationResults {
				a := proof.Answer{Decision: string(r.EvalDecision)}
				for _, m := range r.MatchedStatements {
					a.MatchedPolicies = append(a.MatchedPolicies, awssdk.ToString(m.SourcePolicyId))
				}
				for _, i := range g.Index[awssdk.ToString(r.EvalActionName)] {
					answers[i] = a
				}
			}
		}
	}
	return proof.Judge(requests, answers), calls, nil
}

// contextEntries carries what AWS puts in every request of the principal and the
// simulator does not fill in by itself: aws:PrincipalArn (a compacted trust
// matches people by it), the user name (${aws:username} variables, and the
// compacted trust's name list) and the MFA context.
func contextEntries(principal string, mfa proof.MFA) []iamtypes.ContextEntry {
	out := []iamtypes.ContextEntry{{ContextKeyName: awssdk.String("aws:PrincipalArn"), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: []string{principal}}}
	if i := strings.Index(principal, ":user/"); i >= 0 {
		name := principal[strings.LastIndex(principal, "/")+1:]
		out = append(out, iamtypes.ContextEntry{ContextKeyName: awssdk.String("aws:username"), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: []string{name}})
	}
	if mfa != proof.MFAAbsent {
		out = append(out, iamtypes.ContextEntry{ContextKeyName: awssdk.String("aws:MultiFactorAuthPresent"), ContextKeyType: iamtypes.ContextKeyTypeEnumBoolean, ContextKeyValues: []string{string(mfa)}})
	}
	return out
}
