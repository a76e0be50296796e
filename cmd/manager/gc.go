package main

import (
	"os"
	"runtime/debug"
)

// defaultGCPercent is the garbage collector's target when GOGC is not set. The
// manager's live heap is small and steady (the informer caches and the account
// snapshot: about 30 MiB at 5,000 members and 1,000 roles) while its garbage comes
// in waves (a resync decodes every object's AWS state), and its CPU is not the
// bottleneck (the API server's is). Collecting at 50% growth instead of Go's 100%
// keeps the peak near 1.5× the live heap: memory is what a platform team sizes
// the pod by. The shipped Deployment also sets GOMEMLIMIT (64MiB), which makes the
// collector work harder only when a wave would take the process past it.
const defaultGCPercent = 50

// tuneGC applies defaultGCPercent unless the deployment set GOGC itself (a
// GOMEMLIMIT, if set, applies as well: the runtime reads it).
func tuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(defaultGCPercent)
}
