package v1alpha1_test

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// What a careless platform team writes in its first month, refused at admission
// before the operator (or AWS) ever sees it: names IAM treats as one because it
// ignores case, two Secrets with one name, names longer than IAM allows, and
// characters IAM refuses in tags and descriptions.
func TestSchemaMonthOneMistakes(t *testing.T) {
	long := strings.Repeat("a", 70)
	cases := []struct {
		name, kind, objName, spec string
		wantErr                   string // "" means accepted
	}{
		// Case-insensitive names (issue 17, item 1).
		{"groups differing in case", "AccountBaseline", "", goodBaseline + "\ngroups:\n- name: devs\n- name: Devs", "group names must be unique ignoring case"},
		{"groups distinct", "AccountBaseline", "", goodBaseline + "\ngroups:\n- name: devs\n- name: ops", ""},
		{"group named like the MFA group in other case", "AccountBaseline", "", goodBaseline + "\ngroups:\n- name: IAM-Baseline-MFA-Required", "may not have the name of the MFA-enforcement group"},
		{"group named like the MFA group with enforcement off", "AccountBaseline", "", goodBaseline + "\nmfaEnforcement:\n  enabled: false\ngroups:\n- name: iam-baseline-mfa-required", ""},
		{"budgets differing in case", "AccountBaseline", "", goodBaseline + "\nbudgets:\n- name: daily\n  limit: \"5\"\n- name: Daily\n  limit: \"6\"", "budget names must be unique ignoring case"},
		{"group inline policies differing in case", "AccountBaseline", "", goodBaseline + "\ngroups:\n- name: devs\n  inlinePolicies:\n  - name: read\n    document: '{}'\n  - name: READ\n    document: '{}'", "inline policy names must be unique ignoring case"},
		{"role inline policies differing in case", "AssumableRole", "", goodRole + "\ninlinePolicies:\n- name: s3\n  document: '{}'\n- name: S3\n  document: '{}'", "inline policy names must be unique ignoring case"},
		{"member groups differing in case", "TeamMember", "", goodMember + "\ngroups: [devs, DEVS]", "group names must be unique ignoring case"},
		{"member groups distinct", "TeamMember", "", goodMember + "\ngroups: [devs, ops]", ""},

		// Limits AWS enforces, refused before the operator reaches them (item 2).
		{"eleven email subscribers", "AccountBaseline", "", goodBaseline + "\nbudgets:\n- name: daily\n  limit: \"5\"\n  notifications:\n  - threshold: \"80\"\n    subscribers:" + strings.Repeat("\n    - address: a@example.com", 11), "at most ten email subscribers"},
		{"ten email subscribers and a topic", "AccountBaseline", "", goodBaseline + "\nbudgets:\n- name: daily\n  limit: \"5\"\n  notifications:\n  - threshold: \"80\"\n    subscribers:" + strings.Repeat("\n    - address: a@example.com", 10) + "\n    - {type: SNS, address: 'arn:aws:sns:us-east-1:123456789012:alerts'}", ""},

		// Secrets sharing a name (item 4).
		{"console and key Secret named alike", "TeamMember", "", goodMember + "\nconsoleAccess:\n  secretName: creds\naccessKeys:\n  enabled: true\n  secretName: creds", "must have different names"},
		{"console Secret named as the key Secret's default", "TeamMember", "carol", goodMember + "\nconsoleAccess:\n  secretName: carol-access-key\naccessKeys:\n  enabled: true", "must have different names"},
		{"key Secret named as the console Secret's default", "TeamMember", "dave", goodMember + "\naccessKeys:\n  enabled: true\n  secretName: dave-console", "must have different names"},
		{"distinct Secret names", "TeamMember", "erin", goodMember + "\nconsoleAccess:\n  secretName: erin-login\naccessKeys:\n  enabled: true\n  secretName: erin-keys", ""},

		// Names longer than IAM allows (issue 12, bad input).
		{"member object name of 70 used as user name", "TeamMember", long, goodMember, "IAM user names are at most 64 characters"},
		{"member object name of 70 with a userName", "TeamMember", long, goodMember + "\nuserName: alice70", ""},
		{"member object name of 64", "TeamMember", strings.Repeat("b", 64), goodMember, ""},
		{"role object name of 70 used as role name", "AssumableRole", long, goodRole, "IAM role names are at most 64 characters"},
		{"role object name of 70 with a roleName", "AssumableRole", long, goodRole + "\nroleName: deployer", ""},

		// Characters IAM refuses.
		{"role description with an emoji", "AssumableRole", "", goodRole + "\ndescription: \"deploys 🚀\"", "spec.description"},
		{"role description in another script", "AssumableRole", "", goodRole + "\ndescription: 'デプロイ'", "spec.description"},
		{"role description in Latin-1", "AssumableRole", "", goodRole + "\ndescription: \"Déploie l'équipe\tpaiements\"", ""},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := object(t, tc.kind, tc.spec)
			if tc.objName != "" {
				u.SetName(tc.objName)
			}
			err := cp.Client.Create(ctx, u)
			if err == nil {
				_ = cp.Client.Delete(ctx, u)
			}
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
