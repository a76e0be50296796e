package controllers_test

import (
	"context"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/controllers"
)

// BenchmarkTeamMemberSteadyStateReconcile measures one reconcile of an unchanged
// member, end to end: the object read from the API server, its IAM reads over HTTP
// from the local AWS (the account snapshot, read once per TTL, and two per member), planning, and no write at all. It reports the AWS calls per
// reconcile alongside time and memory.
func BenchmarkTeamMemberSteadyStateReconcile(b *testing.B) {
	ensureMembersBaseline(b)
	ctx := context.Background()
	ns := newNamespace(b)
	tm := createMember(b, member(ns, "bench", func(tm *iamv1.TeamMember) {
		tm.Spec.Groups = []string{"developers"}
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
	}))
	waitMemberReady(b, tm)
	b.Cleanup(func() { deleteAndWaitGone(b, tm) })

	clientset := kubernetes.NewForConfigOrDie(restCfg)
	broadcaster := events.NewBroadcaster(&events.EventSinkImpl{Interface: clientset.EventsV1()})
	stop := make(chan struct{})
	defer close(stop)
	broadcaster.StartRecordingToSink(stop)
	rec := broadcaster.NewRecorder(scheme.Scheme, "bench").(recorder.EventRecorder)
	r := &controllers.TeamMemberReconciler{Client: cached, APIReader: k8s, Recorder: rec, AWS: awsProvider, Resync: time.Hour}
	req := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(tm)}

	quiesce(b, 300*time.Millisecond)
	before := awsSrv.Calls()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Reconcile(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	calls := awsSrv.Calls().Since(before)
	b.ReportMetric(float64(len(calls))/float64(b.N), "awscalls/op")
	if m := calls.Mutating(); len(m) > 0 {
		b.Fatalf("a steady-state reconcile wrote to AWS: %v", m.Summary())
	}
}
