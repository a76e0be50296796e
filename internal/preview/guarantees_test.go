package preview

import (
	"strings"
	"testing"

	"github.com/iam-baseline/operator/internal/policy"
)

func TestMFAProofFailsWhenTheDenyIsGone(t *testing.T) {
	good, err := policy.Marshal(policy.MFAEnforcement("aws"))
	if err != nil {
		t.Fatal(err)
	}
	u := plannedUser{obj: "TeamMember/t/alice", name: "alice", arn: "arn:aws:iam::123456789012:user/alice", mfaPolicy: good}
	if g := proveMFA(u); !g.Holds {
		t.Fatalf("the operator's MFA policy: %s", g.Message)
	}
	// The deny statement removed: everything is allowed without MFA.
	d, _ := policy.Parse(good)
	var kept []policy.Statement
	for _, st := range d.Statement {
		if st.Effect != policy.Deny {
			kept = append(kept, st)
		}
	}
	d.Statement = kept
	weak, _ := policy.Marshal(d)
	if g := proveMFA(plannedUser{name: "alice", arn: u.arn, mfaPolicy: weak}); g.Holds || !strings.Contains(g.Message, "s3:ListAllMyBuckets is allowed") {
		t.Errorf("without the deny: %+v", g)
	}
	if g := proveMFA(plannedUser{name: "alice", arn: u.arn}); g.Holds || !strings.Contains(g.Message, "NOT enforced") {
		t.Errorf("outside the MFA group: %+v", g)
	}
}

func TestTrustProofFailsForStrangersAndMissingMFA(t *testing.T) {
	alice := "arn:aws:iam::123456789012:user/alice"
	role := plannedRole{obj: "AssumableRole/t/r", name: "r", arn: "arn:aws:iam::123456789012:role/r", account: "123456789012", partition: "aws", people: []string{alice}, requireMFA: true}
	doc, err := policy.Trust(policy.TrustInput{Partition: "aws", People: []string{alice}, RequireMFA: true})
	if err != nil {
		t.Fatal(err)
	}
	role.trust, _ = policy.Marshal(doc)
	if g := proveTrust(role); !g.Holds {
		t.Fatalf("the operator's trust: %s", g.Message)
	}
	noMFA := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"sts:AssumeRole"}]}`
	r := role
	r.trust = noMFA
	if g := proveTrust(r); g.Holds || !strings.Contains(g.Message, "without MFA") {
		t.Errorf("trust without the MFA condition: %+v", g)
	}
	account := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}`
	r.trust, r.people = account, nil
	if g := proveTrust(r); g.Holds || !strings.Contains(g.Message, "outsider may assume it") {
		t.Errorf("trust of a whole other account: %+v", g)
	}
}
