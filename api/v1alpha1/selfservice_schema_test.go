package v1alpha1_test

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// The self-service fields and the OIDC subject rule, as the API server enforces them.
// The baseline-dependent rules live in internal/selfservice; the OIDC subject shape
// does not depend on any baseline, so the schema refuses it for everyone.
func TestSchemaSelfService(t *testing.T) {
	oidc := func(subjects string, extra string) string {
		return "accountRef: prod\ntrust:\n  oidcProviders:\n  - providerARN: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\n    audience: sts.amazonaws.com\n    subjects: " + subjects + extra
	}
	const subjectMsg = "an OIDC subject must not match every identity"
	cases := []struct {
		name, kind, spec string
		wantErr          string
	}{
		{"oidc owner named", "AssumableRole", oidc(`["repo:acme/app:ref:refs/heads/main", "repo:acme/*"]`, ""), ""},
		{"oidc eks service account", "AssumableRole", oidc(`["system:serviceaccount:team:app"]`, ""), ""},
		{"oidc star", "AssumableRole", oidc(`["*"]`, ""), subjectMsg},
		{"oidc any repo", "AssumableRole", oidc(`["repo:*"]`, ""), subjectMsg},
		{"oidc any owner", "AssumableRole", oidc(`["repo:*/*"]`, ""), subjectMsg},
		{"oidc owner prefix wildcard", "AssumableRole", oidc(`["repo:acme*/app"]`, ""), subjectMsg},
		{"oidc empty owner", "AssumableRole", oidc(`["repo:/app"]`, ""), subjectMsg},
		{"oidc leading wildcard", "AssumableRole", oidc(`["*:ref:refs/heads/main"]`, ""), subjectMsg},
		{"oidc gitlab any group", "AssumableRole", oidc(`["project_path:*/app:ref_type:branch"]`, ""), subjectMsg},
		{"oidc one bad among good", "AssumableRole", oidc(`["repo:acme/app", "repo:*"]`, ""), subjectMsg},
		{"oidc any subject meant", "AssumableRole", oidc(`["*"]`, "\n    allowAnySubject: true"), ""},
		{"oidc no audience", "AssumableRole", "accountRef: prod\ntrust:\n  oidcProviders:\n  - providerARN: arn:aws:iam::123456789012:oidc-provider/x\n    subjects: [\"repo:acme/app\"]", "audience: Required value"},
		{"oidc empty subject", "AssumableRole", oidc(`[""]`, ""), "subjects[0]"},

		{"baseline full selfService", "AccountBaseline", `accountID: "123456789012"
protectedNames: ["break-glass-*", "ci-deployer"]
selfService:
  namespaces: [team-a]
  allowAdoption: false
  allowedPaths: ["/", "/teams/a/", "/teams/a/*"]
  reservedTagKeys: [team, cost-center]
  trust:
    accounts: ["210987654321"]
    services: [ec2.amazonaws.com]
    memberNamespaces: [shared]
    allowWithoutMFA: false
    oidcProviders:
    - providerARN: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
      subjects: ["repo:acme/*:ref:refs/heads/main"]`, ""},
		{"baseline protected name with slash", "AccountBaseline", "accountID: \"123456789012\"\nprotectedNames: [\"admins/x\"]", "spec.protectedNames[0]"},
		{"baseline path without slash", "AccountBaseline", "accountID: \"123456789012\"\nselfService:\n  allowedPaths: [teams]", "spec.selfService.allowedPaths[0]"},
		{"baseline trust account 11 digits", "AccountBaseline", "accountID: \"123456789012\"\nselfService:\n  trust:\n    accounts: [\"12345678901\"]", "spec.selfService.trust.accounts[0]"},
		{"baseline trust service not AWS", "AccountBaseline", "accountID: \"123456789012\"\nselfService:\n  trust:\n    services: [example.com]", "spec.selfService.trust.services[0]"},
		{"baseline oidc grant without subjects", "AccountBaseline", "accountID: \"123456789012\"\nselfService:\n  trust:\n    oidcProviders:\n    - providerARN: arn:aws:iam::123456789012:oidc-provider/x\n      subjects: []", "subjects"},
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
			if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %q, want Invalid containing %q", err.Error(), tc.wantErr)
			}
		})
	}
}
