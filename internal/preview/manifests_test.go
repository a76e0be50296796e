package preview

import (
	"strings"
	"testing"

	"github.com/iam-baseline/operator/internal/testenv"
)

// The samples as `kustomize build` would print them: one stream, other kinds mixed in.
func TestManifestsGetTheCRDDefaults(t *testing.T) {
	objs, err := ReadManifests([]string{testenv.RepoRoot() + "/config/samples"}, nil, "default")
	if err != nil {
		t.Fatal(err)
	}
	if len(objs.Baselines) != 1 || len(objs.Members) != 2 || len(objs.Roles) != 1 {
		t.Fatalf("read %d baselines, %d members, %d roles", len(objs.Baselines), len(objs.Members), len(objs.Roles))
	}
	ab := objs.Baselines[0]
	if m := ab.Spec.MFAEnforcement; m == nil || m.PolicyName != "iam-baseline-force-mfa" || m.GroupName != "iam-baseline-mfa-required" {
		t.Errorf("mfaEnforcement defaults missing: %+v", m)
	}
	if ab.Spec.DeletionPolicy != "Retain" || ab.Spec.Budgets[0].Notifications[0].ComparisonOperator != "GREATER_THAN" {
		t.Errorf("baseline defaults missing: %+v", ab.Spec)
	}
	for _, tm := range objs.Members {
		if tm.Name == "bob" && (tm.Spec.ConsoleAccess == nil || tm.Spec.ConsoleAccess.Enabled == nil || !*tm.Spec.ConsoleAccess.Enabled) {
			t.Errorf("bob's consoleAccess defaults to enabled, got %+v", tm.Spec.ConsoleAccess)
		}
		if tm.Spec.DeletionPolicy != "Delete" || tm.Spec.Path != "/" {
			t.Errorf("member defaults missing: %+v", tm.Spec)
		}
	}
}

func TestManifestsRefuseUnknownFieldsAndSkipOtherKinds(t *testing.T) {
	stream := `apiVersion: v1
kind: Namespace
metadata: {name: team-payments}
---
apiVersion: iam.baseline.dev/v1alpha1
kind: TeamMember
metadata: {name: alice}
spec: {accountRef: sandbox, grups: [developers]}
`
	_, err := ReadManifests([]string{"-"}, strings.NewReader(stream), "team-payments")
	if err == nil || !strings.Contains(err.Error(), "grups") || !strings.Contains(err.Error(), "TeamMember team-payments/alice") {
		t.Fatalf("err = %v, want the unknown field named with its object", err)
	}
	objs, err := ReadManifests([]string{"-"}, strings.NewReader(strings.Replace(stream, "grups", "groups", 1)), "team-payments")
	if err != nil || len(objs.Members) != 1 || objs.Members[0].Namespace != "team-payments" {
		t.Fatalf("objs = %+v, err = %v", objs, err)
	}
}

func TestDocumentsPrintCanonicallyAndDiffByLine(t *testing.T) {
	a := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","ec2:Describe*"],"Resource":"*"}]}`
	b := `{"Statement":[{"Resource":["*"],"Action":["ec2:Describe*","s3:GetObject","s3:GetObject"],"Effect":"Allow"}],"Version":"2012-10-17"}`
	if prettyDocument(a) != prettyDocument(b) {
		t.Errorf("reordering is a change:\n%s\n%s", prettyDocument(a), prettyDocument(b))
	}
	c := strings.Replace(a, "s3:GetObject", "s3:PutObject", 1)
	diff := lineDiff(prettyDocument(a), prettyDocument(c))
	var minus, plus int
	for _, l := range diff {
		switch l[0] {
		case '-':
			minus++
			if !strings.Contains(l, "s3:GetObject") {
				t.Errorf("removed line %q", l)
			}
		case '+':
			plus++
			if !strings.Contains(l, "s3:PutObject") {
				t.Errorf("added line %q", l)
			}
		}
	}
	if minus != 1 || plus != 1 {
		t.Errorf("diff = %q", diff)
	}
}

func TestTrustGrantsSeeMFAAndWidening(t *testing.T) {
	withMFA := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	without := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/alice","123456789013"]},"Action":"sts:AssumeRole"}]}`
	before, after := trustGrants(withMFA), trustGrants(without)
	if !before["AWS:arn:aws:iam::123456789012:user/alice"].mfa || after["AWS:arn:aws:iam::123456789012:user/alice"].mfa {
		t.Errorf("before %v after %v", before, after)
	}
	if _, ok := after["AWS:123456789013"]; !ok {
		t.Errorf("account principal missing: %v", after)
	}
}
