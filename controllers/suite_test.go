package controllers_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/controllers"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/testenv"
)

// The integration harness: a real kube-apiserver and etcd (envtest), the local AWS
// over HTTP, and the manager with every controller, wired together the way
// production is: the operator finds AWS through AWS_ENDPOINT_URL and the SDK's
// standard configuration.

const (
	accountID = "123456789012"
	// resync is short so drift tests see a repair quickly.
	resync = 3 * time.Second
)

var (
	restCfg     *rest.Config
	awsProvider *awsx.Provider
	k8s         client.Client
	// cached is the manager's client (the cache with the controllers' field indexes).
	cached  client.Client
	awsSrv  *awslocal.Server
	awsURL  string
	logSink = &captureWriter{}
	nsSeq   atomic.Int64
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	cp, err := testenv.StartControlPlane()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = cp.Stop() }()

	awsSrv = awslocal.New(awslocal.Options{AccountID: accountID})
	if awsURL, err = awsSrv.Start("127.0.0.1:0"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = awsSrv.Close() }()
	for i := 1; i <= 6; i++ {
		awsSrv.AddAccount(otherAccount(i), fmt.Sprintf("acct%d", i), fmt.Sprintf("secret%d", i))
	}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": awsURL, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		_ = os.Setenv(k, v)
	}

	// Logs go to a buffer that tests grep for secrets; the real test output stays quiet.
	ctrl.SetLogger(zap.New(zap.WriteTo(logSink), zap.UseDevMode(true)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	restCfg = cp.Config
	provider, err := awsx.NewProvider(ctx, awsx.ProviderOptions{MaxBackoff: 100 * time.Millisecond, IdentityTTL: time.Hour})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	awsProvider = provider
	mgr, err := ctrl.NewManager(cp.Config, ctrl.Options{
		Scheme:                 scheme.Scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		NewClient:              managerWrites.newClient,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := controllers.SetupWithManager(mgr, controllers.Options{ResyncPeriod: resync, MaxConcurrentReconciles: 8, AWS: provider}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	k8s = mgr.GetClient()
	cached = mgr.GetClient()
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		fmt.Fprintln(os.Stderr, "cache did not sync")
		return 1
	}
	// Reads straight from the API server, so tests never see a stale cache.
	if k8s, err = client.New(cp.Config, client.Options{Scheme: scheme.Scheme}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	cancel()
	<-done
	return code
}

func otherAccount(i int) string { return fmt.Sprintf("21098765432%d", i) }

// captureWriter collects the manager's log output for the no-secrets test.
type captureWriter struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (w *captureWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *captureWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// newNamespace makes a fresh namespace so tests do not see each other's objects.
func newNamespace(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test-%d", nsSeq.Add(1))
	if err := k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}

// sdkConfig is an admin SDK configuration for an account of the local AWS, for tests
// that read AWS back or make drift by hand.
func sdkConfig(t testing.TB, keyID, secret string) awssdk.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(keyID, secret, "")),
		config.WithBaseEndpoint(awsURL),
	)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func iamClient(t testing.TB) *iam.Client { return iam.NewFromConfig(sdkConfig(t, "test", "test")) }

func budgetsClient(t testing.TB) *budgets.Client {
	return budgets.NewFromConfig(sdkConfig(t, "test", "test"))
}

// eventually polls f until it returns nil or the timeout passes.
func eventually(t testing.TB, timeout time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for time.Now().Before(deadline) {
		if err = f(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("not within %s: %v", timeout, err)
}

// condition returns the condition of type typ of obj's status, read fresh.
func condition(t testing.TB, obj client.Object, conds func() []metav1.Condition, typ string) *metav1.Condition {
	t.Helper()
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
		t.Fatal(err)
	}
	return meta.FindStatusCondition(conds(), typ)
}

// waitCondition waits until obj has condition typ with status (for its current
// generation) and returns it.
func waitCondition(t testing.TB, obj client.Object, conds func() []metav1.Condition, typ string, status metav1.ConditionStatus, timeout time.Duration) *metav1.Condition {
	t.Helper()
	var got *metav1.Condition
	eventually(t, timeout, func() error {
		got = condition(t, obj, conds, typ)
		if got == nil || got.Status != status || got.ObservedGeneration != obj.GetGeneration() {
			return fmt.Errorf("%s %s: %s = %+v, want %s", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), typ, got, status)
		}
		return nil
	})
	return got
}

// baseline applies an AccountBaseline for an account (the default local account
// unless the spec says otherwise).
func baseline(t testing.TB, name string, mutate func(*iamv1.AccountBaseline)) *iamv1.AccountBaseline {
	t.Helper()
	ab := &iamv1.AccountBaseline{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       iamv1.AccountBaselineSpec{AccountID: accountID},
	}
	if mutate != nil {
		mutate(ab)
	}
	if err := k8s.Create(context.Background(), ab); err != nil {
		t.Fatal(err)
	}
	return ab
}

// quiesce waits until n consecutive polls of the call log show no new calls, so a
// test reads a settled state.
func quiesce(t testing.TB, quiet time.Duration) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	prev := len(awsSrv.Calls())
	for time.Now().Before(deadline) {
		time.Sleep(quiet)
		n := len(awsSrv.Calls())
		if n == prev {
			return
		}
		prev = n
	}
}

// updateSpec reads obj afresh, applies mutate and updates it, retrying on
// conflicts (the operator writes status and finalizers meanwhile).
func updateSpec[T client.Object](t testing.TB, obj T, mutate func(T)) {
	t.Helper()
	eventually(t, 30*time.Second, func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		mutate(obj)
		return k8s.Update(context.Background(), obj)
	})
}
