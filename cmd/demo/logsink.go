package main

import (
	"io"
	"sync"

	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

// operatorLog is where the operator's (and client-go's) log goes. The global loggers
// are set once per process, pointing here; each run only swaps the destination, so a
// second run in one process (the tests) never rewrites a logger that goroutines of
// the first are still reading.
var operatorLog = newSwitchWriter()

type switchWriter struct {
	mu   sync.Mutex
	to   io.Writer
	once sync.Once
}

func newSwitchWriter() *switchWriter { return &switchWriter{to: io.Discard} }

func (w *switchWriter) set(to io.Writer) {
	w.once.Do(func() {
		logger := zap.New(zap.WriteTo(w), zap.UseDevMode(true))
		ctrl.SetLogger(logger)
		klog.SetLogger(logger) // client-go's warnings and errors, same place
	})
	w.mu.Lock()
	defer w.mu.Unlock()
	w.to = to
}

func (w *switchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.to.Write(p)
}
