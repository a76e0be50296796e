package preview

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/testenv"
)

// localAWS starts the local AWS and a provider that reaches it over HTTP.
func localAWS(t testing.TB) (*awslocal.Server, *awsx.Provider) {
	t.Helper()
	srv := awslocal.New(awslocal.Options{AccountID: "123456789012"})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithBaseEndpoint(url),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	if err != nil {
		t.Fatal(err)
	}
	p, err := awsx.NewProvider(context.Background(), awsx.ProviderOptions{Base: &cfg, DisableSnapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	return srv, p
}

// The samples on an empty account, without a cluster: every change the operator will
// make, and not one AWS write.
func TestPlanOfTheSamplesOnAnEmptyAccount(t *testing.T) {
	srv, provider := localAWS(t)
	manifests, err := ReadManifests([]string{testenv.RepoRoot() + "/config/samples"}, nil, "default")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Plan(context.Background(), Input{Manifests: manifests, AWS: provider})
	if err != nil {
		t.Fatal(err)
	}
	if m := srv.Calls().Mutating(); len(m) > 0 {
		t.Fatalf("the plan wrote to AWS: %v", m.Summary())
	}
	t.Logf("%d AWS reads: %v", len(srv.Calls()), srv.Calls().Summary())
	if r.ExitCode() != 2 || r.Counts.Changes != 22 || r.Counts.Changed != 4 {
		t.Errorf("exit %d, counts %+v; want 2 and 22 changes on 4 objects", r.ExitCode(), r.Counts)
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	var again strings.Builder
	r2, _ := Plan(context.Background(), Input{Manifests: manifests, AWS: provider})
	_ = r2.WriteText(&again)
	if b.String() != again.String() {
		t.Error("two plans of the same state print differently")
	}
	for _, g := range r.Guarantees {
		if !g.Holds {
			t.Errorf("guarantee broken on the samples: %s", g.Message)
		}
	}
	if len(r.Guarantees) != 3 {
		t.Errorf("guarantees for %d objects, want 3 (two members, one role)", len(r.Guarantees))
	}
	var role *Object
	for i := range r.Objects {
		if r.Objects[i].Kind == iamv1KindRole {
			role = &r.Objects[i]
		}
	}
	if role == nil || role.Action != ActionCreate || !slices.ContainsFunc(role.Changes, func(c Change) bool {
		return c.Action == "CreateRole" && strings.Contains(c.Document, "arn:aws:iam::123456789012:user/bob.builder")
	}) {
		t.Errorf("the role's trust does not name the members the same apply creates: %+v", role)
	}
}

// A baseline the manifests reference but nobody declares: the members wait, and the
// plan says so instead of failing.
func TestPlanWithoutTheBaseline(t *testing.T) {
	srv, provider := localAWS(t)
	manifests, err := ReadManifests([]string{testenv.RepoRoot() + "/config/samples/iam_v1alpha1_teammember_alice.yaml"}, nil, "default")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Plan(context.Background(), Input{Manifests: manifests, AWS: provider})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Objects) != 1 || r.Objects[0].Action != ActionWaiting || !strings.Contains(r.Objects[0].Message, `AccountBaseline "sandbox" does not exist`) {
		t.Fatalf("objects: %+v", r.Objects)
	}
	if r.ExitCode() != 0 || len(srv.Calls()) != 0 {
		t.Errorf("exit %d after %d AWS calls; want 0 and none", r.ExitCode(), len(srv.Calls()))
	}
}
