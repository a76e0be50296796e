package v1alpha1_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/iam-baseline/operator/internal/testenv"
)

// These tests install the generated CRDs into a real kube-apiserver and prove the
// schema: every rule rejects a bad object with a readable message and accepts a good one.

var cp *testenv.ControlPlane

func TestMain(m *testing.M) { os.Exit(testenv.RunTests(m, &cp)) }

var seq int

// object builds an unstructured object of kind from a YAML spec, with a unique name so
// every case runs against a fresh object.
func object(t *testing.T, kind, specYAML string) *unstructured.Unstructured {
	t.Helper()
	spec := map[string]any{}
	if err := yaml.Unmarshal([]byte(specYAML), &spec); err != nil {
		t.Fatalf("bad test YAML: %v", err)
	}
	seq++
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetGroupVersionKind(testenv.GroupVersionKind(kind))
	u.SetName(fmt.Sprintf("%s-%d", strings.ToLower(kind), seq))
	if kind != "AccountBaseline" {
		u.SetNamespace("default")
	}
	return u
}

const (
	goodBaseline = `accountID: "123456789012"`
	goodMember   = `accountRef: prod`
	goodRole     = "accountRef: prod\ntrust:\n  accounts: [\"210987654321\"]"
)

func TestSchemaValidation(t *testing.T) {
	cases := []struct {
		name, kind, spec string
		wantErr          string // "" means the object must be accepted
	}{
		// AccountBaseline
		{"baseline minimal", "AccountBaseline", goodBaseline, ""},
		{"accountID 11 digits", "AccountBaseline", `accountID: "12345678901"`, "spec.accountID"},
		{"accountID letters", "AccountBaseline", `accountID: "12345678901a"`, "spec.accountID"},
		{"accountID missing", "AccountBaseline", `alias: acme`, "spec.accountID: Required value"},
		{"alias good", "AccountBaseline", goodBaseline + "\nalias: acme-prod", ""},
		{"alias double hyphen", "AccountBaseline", goodBaseline + "\nalias: acme--prod", "alias must not contain two consecutive hyphens"},
		{"alias uppercase", "AccountBaseline", goodBaseline + "\nalias: Acme", "spec.alias"},
		{"alias too short", "AccountBaseline", goodBaseline + "\nalias: ab", "spec.alias"},
		{"role ARN good", "AccountBaseline", goodBaseline + "\naccess:\n  roleARN: arn:aws:iam::123456789012:role/baseline", ""},
		{"role ARN is a user", "AccountBaseline", goodBaseline + "\naccess:\n  roleARN: arn:aws:iam::123456789012:user/bob", "spec.access.roleARN"},
		{"password length 5", "AccountBaseline", goodBaseline + "\npasswordPolicy:\n  minimumLength: 5", "spec.passwordPolicy.minimumLength"},
		{"password length 129", "AccountBaseline", goodBaseline + "\npasswordPolicy:\n  minimumLength: 129", "spec.passwordPolicy.minimumLength"},
		{"password reuse 25", "AccountBaseline", goodBaseline + "\npasswordPolicy:\n  passwordReusePrevention: 25", "spec.passwordPolicy.passwordReusePrevention"},
		{"budget good", "AccountBaseline", goodBaseline + "\nbudgets:\n- name: daily\n  limit: \"5\"\n  timeUnit: DAILY\n  notifications:\n  - threshold: \"80\"\n    subscribers:\n    - address: ops@example.com", ""},
		{"budget zero limit", "AccountBaseline", goodBaseline + "\nbudgets:\n- name: daily\n  limit: \"0\"", "limit must be greater than zero"},
		{"budget negative threshold", "AccountBaseline", goodBaseline + "\nbudgets:\n- name: daily\n  limit: \"5\"\n  notifications:\n  - threshold: \"-1\"\n    subscribers:\n    - address: ops@example.com", "threshold"},
		{"budget zero threshold", "AccountBaseline", goodBaseline + "\nbudgets:\n- name: daily\n  limit: \"5\"\n  notifications:\n  - threshold: \"0\"\n    subscribers:\n    - address: ops@example.com", "threshold must be greater than zero"},
		{"budget bad time unit", "AccountBaseline", goodBaseline + "\nbudgets:\n- name: daily\n  limit: \"5\"\n  timeUnit: WEEKLY", "Unsupported value: \"WEEKLY\""},
		{"budget bad notification type", "AccountBaseline", goodBaseline + "\nbudgets:\n- name: b\n  limit: \"5\"\n  notifications:\n  - type: GUESSED\n    threshold: \"80\"\n    subscribers:\n    - address: ops@example.com", "Unsupported value: \"GUESSED\""},
		{"email subscriber not an email", "AccountBaseline", goodBaseline + "\nbudgets:\n- name: b\n  limit: \"5\"\n  notifications:\n  - threshold: \"80\"\n    subscribers:\n    - address: not-an-email", "must be an email address"},
		{"sns subscriber not an ARN", "AccountBaseline", goodBaseline + "\nbudgets:\n- name: b\n  limit: \"5\"\n  notifications:\n  - threshold: \"80\"\n    subscribers:\n    - type: SNS\n      address: ops@example.com", "must be an SNS topic ARN"},
		{"deletionPolicy closed enum", "AccountBaseline", goodBaseline + "\ndeletionPolicy: Orphan", "Unsupported value: \"Orphan\""},
		{"managementPolicy closed enum", "AccountBaseline", goodBaseline + "\nmanagementPolicy: DryRun", "Unsupported value: \"DryRun\""},
		{"allowed group not declared", "AccountBaseline", goodBaseline + "\nselfService:\n  allowedGroups: [admins]", "selfService.allowedGroups may only name groups declared"},
		{"group managed policy bad ARN", "AccountBaseline", goodBaseline + "\ngroups:\n- name: devs\n  managedPolicies: [ReadOnlyAccess]", "spec.groups[0].managedPolicies[0]"},
		// TeamMember
		{"member minimal", "TeamMember", goodMember, ""},
		{"member userName bad characters", "TeamMember", goodMember + "\nuserName: 'alice smith'", "spec.userName"},
		{"member userName 65 chars", "TeamMember", goodMember + "\nuserName: " + strings.Repeat("a", 65), "spec.userName"},
		{"member path without slashes", "TeamMember", goodMember + "\npath: engineers", "spec.path"},
		{"member maxAge below a day", "TeamMember", goodMember + "\naccessKeys:\n  enabled: true\n  maxAge: 12h", "maxAge must be at least one day"},
		{"member maxAge 30 days", "TeamMember", goodMember + "\naccessKeys:\n  enabled: true\n  maxAge: 720h", ""},
		{"member reserved tag", "TeamMember", goodMember + "\ntags:\n  aws:cost: x", "are reserved"},
		{"member operator tag", "TeamMember", goodMember + "\ntags:\n  iam.baseline.dev/owner: x", "are reserved"},
		{"member tag bad characters", "TeamMember", goodMember + "\ntags:\n  \"team#1\": x", "tag keys may contain only"},
		{"member accountRef missing", "TeamMember", `userName: alice`, "spec.accountRef: Required value"},
		// AssumableRole
		{"role minimal", "AssumableRole", goodRole, ""},
		{"role no trust principals", "AssumableRole", "accountRef: prod\ntrust:\n  requireMFA: true", "trust must name at least one"},
		{"role session 59 minutes", "AssumableRole", goodRole + "\nmaxSessionDuration: 3599", "spec.maxSessionDuration"},
		{"role session 13 hours", "AssumableRole", goodRole + "\nmaxSessionDuration: 46800", "spec.maxSessionDuration"},
		{"role session 12 hours", "AssumableRole", goodRole + "\nmaxSessionDuration: 43200", ""},
		{"role boundary not a policy ARN", "AssumableRole", goodRole + "\npermissionsBoundary: arn:aws:iam::123456789012:role/x", "spec.permissionsBoundary"},
		{"role trusted account 11 digits", "AssumableRole", "accountRef: prod\ntrust:\n  accounts: [\"12345678901\"]", "spec.trust.accounts[0]"},
		{"role service not AWS", "AssumableRole", "accountRef: prod\ntrust:\n  services: [example.com]", "spec.trust.services[0]"},
		{"role roleName bad characters", "AssumableRole", goodRole + "\nroleName: 'deploy/prod'", "spec.roleName"},
		{"role maxMFAAge too long", "AssumableRole", "accountRef: prod\ntrust:\n  accounts: [\"210987654321\"]\n  maxMFAAge: 48h", "maxMFAAge must be between"},
		{"role oidc without subjects", "AssumableRole", "accountRef: prod\ntrust:\n  oidcProviders:\n  - providerARN: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\n    audience: sts.amazonaws.com\n    subjects: []", "subjects"},
		{"role inline policy without name", "AssumableRole", goodRole + "\ninlinePolicies:\n- document: '{}'", "name: Required value"},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := cp.Client.Create(ctx, object(t, tc.kind, tc.spec))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("a valid %s was rejected: %v", tc.kind, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("an invalid %s was accepted; want an error containing %q", tc.kind, tc.wantErr)
			}
			if !apierrors.IsInvalid(err) {
				t.Fatalf("want an Invalid error, got %v", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q does not contain %q", err.Error(), tc.wantErr)
			}
		})
	}
}

func TestSchemaDefaults(t *testing.T) {
	ctx := context.Background()

	ab := object(t, "AccountBaseline", goodBaseline)
	if err := cp.Client.Create(ctx, ab); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"spec.deletionPolicy":                            "Retain",
		"spec.managementPolicy":                          "Enforce",
		"spec.passwordPolicy.minimumLength":              int64(14),
		"spec.passwordPolicy.passwordReusePrevention":    int64(24),
		"spec.passwordPolicy.requireSymbols":             true,
		"spec.passwordPolicy.requireNumbers":             true,
		"spec.passwordPolicy.requireUppercase":           true,
		"spec.passwordPolicy.requireLowercase":           true,
		"spec.passwordPolicy.allowUsersToChangePassword": true,
		"spec.mfaEnforcement.enabled":                    true,
		"spec.mfaEnforcement.groupName":                  "iam-baseline-mfa-required",
		"spec.mfaEnforcement.policyName":                 "iam-baseline-force-mfa",
	}
	assertFields(t, ab, want)

	tm := object(t, "TeamMember", goodMember+"\naccessKeys:\n  enabled: true")
	if err := cp.Client.Create(ctx, tm); err != nil {
		t.Fatal(err)
	}
	assertFields(t, tm, map[string]any{
		"spec.deletionPolicy":        "Delete",
		"spec.managementPolicy":      "Enforce",
		"spec.path":                  "/",
		"spec.consoleAccess.enabled": true,
		"spec.accessKeys.maxAge":     "2160h",
	})

	ar := object(t, "AssumableRole", goodRole)
	if err := cp.Client.Create(ctx, ar); err != nil {
		t.Fatal(err)
	}
	assertFields(t, ar, map[string]any{
		"spec.deletionPolicy":     "Delete",
		"spec.maxSessionDuration": int64(3600),
		"spec.trust.requireMFA":   true,
		"spec.path":               "/",
	})
}

func assertFields(t *testing.T, u *unstructured.Unstructured, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got, found, err := unstructured.NestedFieldNoCopy(u.Object, strings.Split(path, ".")...)
		if err != nil || !found {
			t.Errorf("%s %s: %s not defaulted (found=%v, err=%v)", u.GetKind(), u.GetName(), path, found, err)
			continue
		}
		if got != w {
			t.Errorf("%s %s: %s = %v (%T), want %v", u.GetKind(), u.GetName(), path, got, got, w)
		}
	}
}

func TestSchemaImmutableFields(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, kind, spec, field string
		newValue                any
		wantErr                 string
	}{
		{"accountID", "AccountBaseline", goodBaseline, "accountID", "210987654321", "accountID is immutable"},
		{"member userName", "TeamMember", goodMember + "\nuserName: alice", "userName", "bob", "userName is immutable"},
		{"member userName removed", "TeamMember", goodMember + "\nuserName: alice", "userName", nil, "userName cannot be added or removed"},
		{"member userName added", "TeamMember", goodMember, "userName", "carol", "userName cannot be added or removed"},
		{"member accountRef", "TeamMember", goodMember, "accountRef", "staging", "accountRef is immutable"},
		{"role roleName", "AssumableRole", goodRole + "\nroleName: deploy", "roleName", "admin", "roleName is immutable"},
		{"role accountRef", "AssumableRole", goodRole, "accountRef", "staging", "accountRef is immutable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := object(t, tc.kind, tc.spec)
			if err := cp.Client.Create(ctx, u); err != nil {
				t.Fatal(err)
			}
			patch := map[string]any{"spec": map[string]any{tc.field: tc.newValue}}
			body, _ := yaml.YAMLToJSON(mustYAML(t, patch))
			err := cp.Client.Patch(ctx, u, client.RawPatch(types.MergePatchType, body))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("changing %s: got %v, want an error containing %q", tc.field, err, tc.wantErr)
			}
		})
	}
}

func mustYAML(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSchemaPrinterColumnsAndCategories(t *testing.T) {
	ctx := context.Background()
	want := map[string][]string{
		"accountbaselines.iam.baseline.dev": {"Account", "Alias", "Ready", "CIS", "MFA", "Age"},
		"teammembers.iam.baseline.dev":      {"Account", "User", "MFA", "Ready", "ARN", "Age"},
		"assumableroles.iam.baseline.dev":   {"Account", "Role", "Ready", "Trust", "ARN", "Age"},
	}
	shortNames := map[string]string{
		"accountbaselines.iam.baseline.dev": "ab",
		"teammembers.iam.baseline.dev":      "tm",
		"assumableroles.iam.baseline.dev":   "ar",
	}
	for name, cols := range want {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := cp.Client.Get(ctx, client.ObjectKey{Name: name}, crd); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range crd.Spec.Versions[0].AdditionalPrinterColumns {
			got = append(got, c.Name)
		}
		if strings.Join(got, ",") != strings.Join(cols, ",") {
			t.Errorf("%s printer columns = %v, want %v", name, got, cols)
		}
		if !contains(crd.Spec.Names.Categories, "baseline") {
			t.Errorf("%s is not in category baseline: %v", name, crd.Spec.Names.Categories)
		}
		if !contains(crd.Spec.Names.ShortNames, shortNames[name]) {
			t.Errorf("%s short names %v lack %q", name, crd.Spec.Names.ShortNames, shortNames[name])
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestSamplesAreAccepted applies config/samples/ to the apiserver.
func TestSamplesAreAccepted(t *testing.T) {
	ctx := context.Background()
	dir := testenv.RepoRoot() + "/config/samples"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "iam_") {
			continue
		}
		raw, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(raw, &u.Object); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if ns := u.GetNamespace(); ns != "" {
			_ = cp.Client.Create(ctx, namespace(ns))
		}
		if err := cp.Client.Create(ctx, u); err != nil {
			t.Errorf("sample %s rejected: %v", e.Name(), err)
		}
		applied++
	}
	if applied < 4 {
		t.Fatalf("applied %d samples, want at least 4", applied)
	}
}

func namespace(name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind("Namespace")
	u.SetName(name)
	return u
}
