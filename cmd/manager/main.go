// Command manager runs the iam-baseline-operator controllers.
//
// AWS credentials and the endpoint come from the SDK's standard configuration
// (environment, shared config, IRSA or EKS Pod Identity; AWS_ENDPOINT_URL for the
// local AWS), so the same binary runs against AWS or awslocal.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/controllers"
	awsx "github.com/iam-baseline/operator/internal/aws"
)

func main() {
	var (
		metricsAddr   string
		probeAddr     string
		leaderElect   bool
		logLevel      string
		resync        time.Duration
		maxConcurrent int
		leaderElectNS string
		pprofAddr     string
	)
	flag.StringVar(&metricsAddr, "metrics-bind-address", ":8080", "address the Prometheus metrics endpoint binds to; \"0\" disables it")
	flag.StringVar(&probeAddr, "health-probe-bind-address", ":8081", "address the /healthz and /readyz probes bind to")
	flag.BoolVar(&leaderElect, "leader-elect", false, "use leader election so only one replica reconciles")
	flag.StringVar(&leaderElectNS, "leader-election-namespace", "", "namespace of the leader-election lease (default: the pod's namespace)")
	flag.StringVar(&pprofAddr, "pprof-bind-address", "", "address to serve net/http/pprof on (for heap profiles); empty disables it")
	flag.StringVar(&logLevel, "log-level", "info", "log level: debug, info or error")
	flag.DurationVar(&resync, "resync-period", controllers.DefaultResyncPeriod, "how often every object is re-read from AWS to repair drift (jittered by up to 20%)")
	flag.IntVar(&maxConcurrent, "max-concurrent-reconciles", 4, "reconciles run in parallel per kind")
	flag.Parse()

	level, err := zapcore.ParseLevel(logLevel)
	if err != nil {
		fmt.Fprintf(os.Stderr, "invalid --log-level %q: %v\n", logLevel, err)
		os.Exit(2)
	}
	ctrl.SetLogger(zap.New(zap.Level(level)))
	log := ctrl.Log.WithName("setup")

	tuneGC()
	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(iamv1.AddToScheme(scheme))

	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsserver.Options{BindAddress: metricsAddr},
		HealthProbeBindAddress:  probeAddr,
		PprofBindAddress:        pprofAddr,
		LeaderElection:          leaderElect,
		LeaderElectionID:        "iam-baseline-operator.iam.baseline.dev",
		LeaderElectionNamespace: leaderElectNS,
		// Credential Secrets are never cached: the RBAC grants no list or watch on
		// them, and a cached copy could be older than the operator's own last write.
		Client: client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}},
		// The informer caches hold every TeamMember, AssumableRole and AccountBaseline;
		// their managedFields (server-side apply bookkeeping, often larger than the
		// object) are never read by the controllers, so they are not kept.
		Cache: cache.Options{DefaultTransform: cache.TransformStripManagedFields()},
	})
	if err != nil {
		log.Error(err, "creating the manager")
		os.Exit(1)
	}
	ctx := ctrl.SetupSignalHandler()
	provider, err := awsx.NewProvider(ctx, awsx.ProviderOptions{})
	if err != nil {
		log.Error(err, "configuring AWS")
		os.Exit(1)
	}
	if err := controllers.SetupWithManager(mgr, controllers.Options{
		ResyncPeriod:            resync,
		MaxConcurrentReconciles: maxConcurrent,
		AWS:                     provider,
	}); err != nil {
		log.Error(err, "setting up the controllers")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		log.Error(err, "adding the health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		log.Error(err, "adding the readiness check")
		os.Exit(1)
	}
	log.Info("starting the manager", "resyncPeriod", resync, "maxConcurrentReconciles", maxConcurrent)
	if err := mgr.Start(ctx); err != nil {
		log.Error(err, "the manager stopped")
		os.Exit(1)
	}
}
