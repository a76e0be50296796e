package events

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/iam-baseline/operator/internal/metrics"
	"github.com/iam-baseline/operator/internal/testenv"
)

// The sink against a real kube-apiserver: what it writes, what it merges, and that
// its memory is bounded by a count of Events.

var cp *testenv.ControlPlane

func TestMain(m *testing.M) { os.Exit(testenv.RunTests(m, &cp)) }

func startSink(t *testing.T) *Sink {
	t.Helper()
	s := NewSink(cp.Client, scheme.Scheme)
	s.flush = 200 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Start(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return s
}

func configMap(t *testing.T, name string) *corev1.ConfigMap {
	t.Helper()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}}
	if err := cp.Client.Create(context.Background(), cm); err != nil {
		t.Fatal(err)
	}
	return cm
}

// eventsAbout waits until want Events regard the object named name and returns them.
func eventsAbout(t *testing.T, namespace, name string, want int, ok func([]eventsv1.Event) bool) []eventsv1.Event {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list := &eventsv1.EventList{}
		if err := cp.Client.List(context.Background(), list, client.InNamespace(namespace)); err != nil {
			t.Fatal(err)
		}
		var got []eventsv1.Event
		for _, e := range list.Items {
			if e.Regarding.Name == name {
				got = append(got, e)
			}
		}
		if len(got) == want && (ok == nil || ok(got)) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("Events about %s/%s: got %d %+v, want %d", namespace, name, len(got), got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestSinkMergesARepeatAndKeepsADifferentNote(t *testing.T) {
	s := startSink(t)
	cm := configMap(t, "events-merge")
	rec := s.Recorder("iam-baseline-test")
	rec.Eventf(cm, nil, corev1.EventTypeNormal, "AWSChange", "PutUserPolicy", "granted role %s", "a")
	rec.Eventf(cm, nil, corev1.EventTypeNormal, "AWSChange", "PutUserPolicy", "granted role %s", "a")
	rec.Eventf(cm, nil, corev1.EventTypeNormal, "AWSChange", "PutUserPolicy", "granted role %s", "a")
	// Same object, reason and action, another note: client-go's broadcaster folds this
	// into the first Event's series and the note is lost.
	rec.Eventf(cm, nil, corev1.EventTypeNormal, "AWSChange", "PutUserPolicy", "granted role %s", "b")

	got := eventsAbout(t, "default", cm.Name, 2, func(evs []eventsv1.Event) bool {
		for _, e := range evs {
			if e.Note == "granted role a" && (e.Series == nil || e.Series.Count != 3) {
				return false
			}
		}
		return true
	})
	notes := map[string]bool{}
	for _, e := range got {
		notes[e.Note] = true
		if e.ReportingController != "iam-baseline-test" || !strings.HasPrefix(e.ReportingInstance, "iam-baseline-test-") ||
			e.Action != "PutUserPolicy" || e.Reason != "AWSChange" || e.Type != corev1.EventTypeNormal || e.Regarding.Kind != "ConfigMap" {
			t.Errorf("Event %+v", e)
		}
	}
	if !notes["granted role a"] || !notes["granted role b"] {
		t.Fatalf("notes %v, want both", notes)
	}
}

func TestSinkWritesEventsOfClusterScopedObjectsToDefault(t *testing.T) {
	s := startSink(t)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "events-cluster-scoped"}}
	if err := cp.Client.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 2000)
	s.Recorder("iam-baseline-test").Eventf(ns, nil, corev1.EventTypeWarning, "PromiseBroken", "Prove", "%s", long)
	got := eventsAbout(t, metav1.NamespaceDefault, ns.Name, 1, nil)
	if n := len(got[0].Note); n > maxNote || !strings.HasSuffix(got[0].Note, " …") {
		t.Fatalf("note of %d bytes ending %q: want it cut to the API's %d", n, got[0].Note[n-8:], maxNote)
	}
}

// A burst of distinct Events larger than the sink can hold: it remembers exactly
// maxRecent of them, queues exactly queueSize, and drops (and counts) the rest,
// instead of holding all of them as client-go's broadcaster does for minutes.
func TestSinkMemoryIsBoundedByACount(t *testing.T) {
	s := NewSink(cp.Client, scheme.Scheme) // not started: nothing drains the queue
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "events-burst", Namespace: "default", UID: "u1"}}
	before := testutil.ToFloat64(metrics.EventsDropped)
	const burst = 3000
	rec := s.Recorder("iam-baseline-test")
	for i := range burst {
		rec.Eventf(cm, nil, corev1.EventTypeNormal, "AWSChange", "CreateUser", "change %d", i)
	}
	if got := s.Remembered(); got != maxRecent {
		t.Errorf("remembered %d Events, want exactly %d", got, maxRecent)
	}
	if got := len(s.queue); got != queueSize {
		t.Errorf("queued %d writes, want exactly %d", got, queueSize)
	}
	if got := testutil.ToFloat64(metrics.EventsDropped) - before; got != burst-queueSize {
		t.Errorf("dropped %v Events, want exactly %d", got, burst-queueSize)
	}
}

// Events still queued when the manager stops are written, not lost: the last
// deletion's Events are the ones a person looks for.
func TestSinkWritesWhatIsQueuedWhenStopped(t *testing.T) {
	s := NewSink(cp.Client, scheme.Scheme)
	cm := configMap(t, "events-drain")
	rec := s.Recorder("iam-baseline-test")
	for i := range 5 {
		rec.Eventf(cm, nil, corev1.EventTypeNormal, "Deleted", "Delete", "step %d", i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stopped before a writer ever ran
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	eventsAbout(t, "default", cm.Name, 5, nil)
}
