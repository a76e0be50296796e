// Package events writes the controllers' Kubernetes Events (events.k8s.io/v1) with
// memory bounded by a count of Events, not by time.
//
// Why not client-go's events broadcaster, which controller-runtime hands out: to
// merge repeats into series it keeps every Event it sent for 6 to 12 minutes, so its
// memory follows the rate of Events. Creating 5,000 members at once is 11,000 Events
// in five minutes, and they held 12 MiB, a quarter of the manager's live heap, at the
// moment the manager peaked. It also merges by object, reason and action but not
// note: two different changes of one kind to one object within 6 minutes became one
// Event that tells only the first.
//
// Here the last maxRecent Events are remembered (by object, type, reason, action and
// note) and a repeat of one of them within seriesWindow bumps that Event's series;
// anything else is a new Event. Events are written by a few workers from a bounded
// queue: a burst that outruns the API server drops Events (counted in
// iam_baseline_events_dropped_total) rather than holding memory or blocking a
// reconcile.
package events

import (
	"container/list"
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/reference"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/iam-baseline/operator/internal/metrics"
)

const (
	// maxRecent Events are remembered for merging repeats (about 0.5 KiB each).
	maxRecent = 1024
	// seriesWindow: a repeat within it joins the earlier Event's series, as
	// client-go's broadcaster does.
	seriesWindow = 6 * time.Minute
	// queueSize Events may wait to be written; more are dropped and counted.
	queueSize = 1024
	// writers write Events concurrently (the API server's latency, not our CPU, is
	// what limits them).
	writers = 2
	// flushEvery: series counts are written at most this often per Event.
	flushEvery = 10 * time.Second
	// writeTimeout bounds one write, its retries included.
	writeTimeout = 10 * time.Second
	// drainTimeout bounds writing the queue's last Events when the manager stops.
	drainTimeout = 3 * time.Second
	// maxNote is the API server's limit on an Event's note.
	maxNote = 1024
)

// key is what makes two Events the same Event said again.
type key struct {
	regarding, related        corev1.ObjectReference
	typ, reason, action, note string
	controller                string
}

// recent is one remembered Event and its series.
type recent struct {
	key             key
	name, namespace string
	first, last     time.Time
	count           int32
	written         bool // created in the API server, so its series can be patched
	dirty           bool // count changed since the last write
	elem            *list.Element
}

// Sink writes Events for every controller of the manager. It is a manager
// Runnable: its writers run from Start until the manager stops.
type Sink struct {
	client   client.Client
	scheme   *runtime.Scheme
	instance string
	now      func() time.Time
	queue    chan write
	flush    time.Duration // flushEvery; shorter in tests

	mu     sync.Mutex
	recent map[key]*recent
	order  list.List // *recent, oldest first
}

// write is one API write: an Event to create, or a series to patch.
type write struct {
	create *eventsv1.Event
	series *recent
	count  int32
	last   time.Time
}

// NewSink returns a Sink writing with c (any client that writes events.k8s.io/v1
// Events; the manager's). Add it to the manager, then hand out Recorders.
func NewSink(c client.Client, scheme *runtime.Scheme) *Sink {
	host, _ := os.Hostname()
	if host == "" {
		host = "unknown"
	}
	return &Sink{client: c, scheme: scheme, instance: host, now: time.Now,
		queue: make(chan write, queueSize), flush: flushEvery, recent: map[key]*recent{}}
}

// Recorder returns the recorder of one controller (the Events' reportingController).
func (s *Sink) Recorder(controller string) *Recorder {
	return &Recorder{sink: s, controller: controller}
}

// NeedLeaderElection is false: Events are written by whichever replica emits them.
func (s *Sink) NeedLeaderElection() bool { return false }

// Start runs the writers and the series flusher until ctx ends.
func (s *Sink) Start(ctx context.Context) error {
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					s.drain()
					return
				case w := <-s.queue:
					// Not the manager's context: a write taken from the queue as the
					// manager stops is finished (within writeTimeout), not lost.
					wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
					s.write(wctx, w)
					cancel()
				}
			}
		})
	}
	t := time.NewTicker(s.flush)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			// The series counts that grew since the last flush, then what is left.
			s.flushSeries()
			s.drain()
			return nil
		case <-t.C:
			s.flushSeries()
		}
	}
}

// drain writes what is still queued when the manager stops (the Events of a last
// deletion, say), for at most drainTimeout.
func (s *Sink) drain() {
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	for ctx.Err() == nil {
		select {
		case w := <-s.queue:
			s.write(ctx, w)
		default:
			return
		}
	}
}

// Remembered is how many Events are remembered for merging repeats (≤ maxRecent).
func (s *Sink) Remembered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.recent)
}

func (s *Sink) record(controller string, regarding, related runtime.Object, annotations map[string]string, typ, reason, action, note string, args ...any) {
	ctx := context.Background()
	ref, err := reference.GetReference(s.scheme, regarding)
	if err != nil {
		log.FromContext(ctx).Error(err, "no Event: cannot refer to the object", "reason", reason)
		return
	}
	k := key{regarding: *ref, typ: typ, reason: reason, action: action, controller: controller}
	var relatedRef *corev1.ObjectReference
	if related != nil {
		if relatedRef, err = reference.GetReference(s.scheme, related); err == nil {
			k.related = *relatedRef
		}
	}
	k.note = fmt.Sprintf(note, args...)
	if len(k.note) > maxNote {
		k.note = k.note[:maxNote-len(" …")] + " …"
	}
	now := s.now()

	s.mu.Lock()
	if r, ok := s.recent[k]; ok && now.Sub(r.first) < seriesWindow {
		r.count++
		r.last = now
		r.dirty = true
		s.order.MoveToBack(r.elem)
		s.mu.Unlock()
		return
	} else if ok {
		s.forget(r)
	}
	namespace := ref.Namespace
	if namespace == "" {
		namespace = metav1.NamespaceDefault
	}
	ev := &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{
			Name:      fmt.Sprintf("%s.%x", ref.Name, now.UnixNano()),
			Namespace: namespace, Annotations: annotations,
		},
		EventTime:           metav1.NewMicroTime(now),
		ReportingController: controller, ReportingInstance: controller + "-" + s.instance,
		Action: action, Reason: reason, Regarding: *ref, Related: relatedRef, Note: k.note, Type: typ,
	}
	r := &recent{key: k, name: ev.Name, namespace: namespace, first: now, last: now, count: 1}
	r.elem = s.order.PushBack(r)
	s.recent[k] = r
	for s.order.Len() > maxRecent {
		s.forget(s.order.Front().Value.(*recent))
	}
	s.mu.Unlock()
	s.enqueue(write{create: ev, series: r})
}

// forget drops a remembered Event (its series, if any, is flushed first). Called
// with s.mu held.
func (s *Sink) forget(r *recent) {
	if r.dirty && r.written {
		r.dirty = false
		s.enqueue(write{series: r, count: r.count, last: r.last})
	}
	s.order.Remove(r.elem)
	delete(s.recent, r.key)
}

func (s *Sink) enqueue(w write) {
	select {
	case s.queue <- w:
	default:
		metrics.EventsDropped.Inc()
	}
}

// flushSeries writes the counts of the series that grew since their last write.
func (s *Sink) flushSeries() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for e := s.order.Front(); e != nil; e = e.Next() {
		r := e.Value.(*recent)
		if r.dirty && r.written {
			r.dirty = false
			s.enqueue(write{series: r, count: r.count, last: r.last})
		}
	}
}

// write makes one API write, with a few attempts: Events are best effort, and a
// write that keeps failing is dropped rather than retried forever.
func (s *Sink) write(ctx context.Context, w write) {
	for attempt := range 3 {
		var err error
		if w.create != nil {
			err = s.client.Create(ctx, w.create)
			if err == nil || apierrors.IsAlreadyExists(err) {
				s.mu.Lock()
				w.series.written = true
				s.mu.Unlock()
				return
			}
		} else {
			ev := &eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Name: w.series.name, Namespace: w.series.namespace}}
			patch := fmt.Appendf(nil, `{"series":{"count":%d,"lastObservedTime":%q}}`, w.count,
				metav1.NewMicroTime(w.last).UTC().Format(metav1.RFC3339Micro))
			err = s.client.Patch(ctx, ev, client.RawPatch(types.MergePatchType, patch))
			if err == nil || apierrors.IsNotFound(err) {
				return
			}
		}
		if apierrors.IsInvalid(err) || apierrors.IsForbidden(err) || ctx.Err() != nil {
			log.FromContext(ctx).Error(err, "Event not written", "controller", controllerOf(w))
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(attempt+1) * time.Second):
		}
	}
	metrics.EventsDropped.Inc()
}

func controllerOf(w write) string {
	if w.create != nil {
		return w.create.ReportingController
	}
	return w.series.key.controller
}

// Recorder records the Events of one controller. It implements controller-runtime's
// recorder.EventRecorder.
type Recorder struct {
	sink       *Sink
	controller string
}

// Eventf records an Event about regarding (and related, if not nil).
func (r *Recorder) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any) {
	r.sink.record(r.controller, regarding, related, nil, eventtype, reason, action, note, args...)
}

// AnnotatedEventf is Eventf with annotations on the Event.
func (r *Recorder) AnnotatedEventf(regarding, related runtime.Object, annotations map[string]string, eventtype, reason, action, note string, args ...any) {
	r.sink.record(r.controller, regarding, related, annotations, eventtype, reason, action, note, args...)
}
