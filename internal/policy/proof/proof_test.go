package proof

import (
	"strings"
	"testing"

	"github.com/iam-baseline/operator/internal/policy"
	"github.com/iam-baseline/operator/internal/policy/eval"
)

const (
	acct   = "111122223333"
	alice  = "arn:aws:iam::111122223333:user/eng/alice"
	bob    = "arn:aws:iam::111122223333:user/bob"
	mfaARN = "arn:aws:iam::111122223333:policy/iam-baseline-force-mfa"
)

// answerOffline answers requests with the evaluator, as the local AWS does.
func answerOffline(t *testing.T, requests []Request, identity ...eval.Policy) []Answer {
	t.Helper()
	var out []Answer
	for _, q := range requests {
		ctx := map[string][]string{"aws:username": {q.Principal[strings.LastIndex(q.Principal, "/")+1:]}}
		if q.MFA != MFAAbsent {
			ctx["aws:MultiFactorAuthPresent"] = []string{string(q.MFA)}
		}
		ps := append([]eval.Policy(nil), identity...)
		if q.ResourcePolicy != "" {
			d, err := policy.Parse(q.ResourcePolicy)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, eval.Policy{ID: "ResourcePolicy", Kind: eval.Resource, Document: d})
		}
		d := eval.Evaluate(eval.Request{Principal: q.Principal, Action: q.Action, Resource: q.Resource, Context: ctx}, ps)
		a := Answer{Decision: string(d.Verdict)}
		for _, m := range d.Matched {
			a.MatchedPolicies = append(a.MatchedPolicies, m.PolicyID)
		}
		out = append(out, a)
	}
	return out
}

func mustDoc(t *testing.T, s string) *policy.Document {
	t.Helper()
	d, err := policy.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMFACatalogueHoldsForTheOperatorsPolicy(t *testing.T) {
	mfa := eval.Policy{ID: mfaARN, Kind: eval.Identity, Document: policy.MFAEnforcement("aws")}
	readOnly := eval.Policy{ID: "arn:aws:iam::aws:policy/ReadOnlyAccess", Kind: eval.Identity, Document: mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","s3:Get*","s3:List*"],"Resource":"*"}]}`)}
	admin := eval.Policy{ID: "arn:aws:iam::aws:policy/AdministratorAccess", Kind: eval.Identity, Document: mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}
	requests := MFACatalogue(MemberInput{AccountID: acct, UserARN: alice, OtherUserARN: bob, MFAPolicyARN: mfaARN})
	for _, groups := range [][]eval.Policy{{mfa}, {mfa, readOnly}, {mfa, admin}} {
		res := Judge(requests, answerOffline(t, requests, groups...))
		if !res.Holds() || res.Proven != len(requests) {
			t.Fatalf("with %d policies: %s", len(groups), res.Message("MFA"))
		}
	}
	// The MFA policy detached: the first broken request is named.
	res := Judge(requests, answerOffline(t, requests, readOnly))
	if res.Holds() || res.Broken.Action != "iam:ListUsers" || res.Broken.MFA != MFAFalse {
		t.Fatalf("without the MFA policy: %s", res.Message("MFA"))
	}
	if msg := res.Message("no MFA, no access"); !strings.Contains(msg, "iam:ListUsers on * by "+alice+" without MFA must be denied, but iam:SimulatePrincipalPolicy says allowed") {
		t.Fatalf("message %q", msg)
	}
	// Fewer calls than requests: one per principal, MFA context and resource.
	if g := Batch(requests); len(g) != 9 {
		t.Fatalf("%d simulation calls for %d requests", len(g), len(requests))
	}
}

func TestTrustCatalogue(t *testing.T) {
	trust, err := policy.Trust(policy.TrustInput{People: []string{alice}, Accounts: []string{"444455556666"}, RequireMFA: true, ExternalID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	text, _ := policy.Marshal(trust)
	requests := TrustCatalogue(TrustInput{RoleARN: "arn:aws:iam::111122223333:role/deploy", Trust: text, People: []string{alice}, Unlisted: bob, RequireMFA: true})
	if len(requests) != 4 {
		t.Fatalf("%d requests", len(requests))
	}
	if res := Judge(requests, answerOffline(t, requests)); !res.Holds() {
		t.Fatal(res.Message("trust"))
	}
	// A trust that forgot MFA breaks at the first request without it.
	open, _ := policy.Trust(policy.TrustInput{People: []string{alice}})
	text, _ = policy.Marshal(open)
	requests = TrustCatalogue(TrustInput{RoleARN: "arn:aws:iam::111122223333:role/deploy", Trust: text, People: []string{alice}, RequireMFA: true})
	if res := Judge(requests, answerOffline(t, requests)); res.Holds() || res.Broken.MFA != MFAFalse {
		t.Fatalf("open trust: %+v", res)
	}
}

// BenchmarkMFACatalogueOffline: the whole MFA catalogue of one member decided
// by the evaluator (what a plan would do offline, and what the local AWS does
// per SimulatePrincipalPolicy call).
func BenchmarkMFACatalogueOffline(b *testing.B) {
	t := &testing.T{}
	mfa := eval.Policy{ID: mfaARN, Kind: eval.Identity, Document: policy.MFAEnforcement("aws")}
	readOnly := eval.Policy{ID: "ro", Kind: eval.Identity, Document: mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","s3:Get*","s3:List*"],"Resource":"*"}]}`)}
	requests := MFACatalogue(MemberInput{AccountID: acct, UserARN: alice, OtherUserARN: bob, MFAPolicyARN: mfaARN})
	b.ReportAllocs()
	for b.Loop() {
		if res := Judge(requests, answerOffline(t, requests, mfa, readOnly)); !res.Holds() {
			b.Fatal(res.Message("MFA"))
		}
	}
	b.ReportMetric(float64(len(requests)), "requests/op")
}
