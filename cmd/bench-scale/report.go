package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/iam-baseline/operator/internal/awslocal"
)

type report struct{ out io.Writer }

func (r *report) printf(format string, args ...any) { fmt.Fprintf(r.out, format, args...) }

func (r *report) header(opts options) {
	r.printf("# bench-scale\n\n")
	r.printf("Workload: 1 AccountBaseline (MFA group, 1 group), N TeamMembers with console access in %d namespaces, N/5 AssumableRoles each trusting 5 members. The manager runs as its own process; manager flags: %q; environment beyond the endpoint and test credentials: %q.\n\n",
		opts.namespaces, strings.Join(opts.managerArgs, " "), strings.Join(opts.managerEnv, " "))
}

func (r *report) machine() {
	r.printf("Machine: %s\n", machineDescription())
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func (r *report) title(res *result) {
	r.printf("## %s, N=%d (%d objects)\n\n| | |\n|---|---|\n", res.name, res.n, res.objects)
	if res.finished {
		r.printf("| empty → every object Ready and every trust wired both ways | **%s** |\n", seconds(res.elapsed))
	} else {
		r.printf("| empty → every object Ready and every trust wired both ways | **not reached after %s**: %s |\n", seconds(res.elapsed), res.final)
	}
}

func (r *report) clean(res *result) {
	r.title(res)
	r.common(res)
	if res.steady && res.finished {
		wired := "complete (every role trusts its 5 users, every user may assume its role)"
		if res.awsWired != "" {
			wired = res.awsWired
		}
		r.printf("| wiring as IAM holds it | %s |\n", wired)
		r.printf("| steady state: one full pass over the converged world (manager restarted) | %d AWS calls (%.2f per object; %d writes), %d Kubernetes writes, %s |\n",
			len(res.steadyCalls), float64(len(res.steadyCalls))/float64(res.objects), okWrites(res.steadyCalls),
			res.steadyK8s.totalWrites(), seconds(res.steadyElapsed))
		r.printf("| steady-state AWS calls by operation | %s |\n", byOperation(res.steadyCalls))
		if res.resync > 0 {
			r.printf("| **one resync** of every object by the running manager (--resync-period %s) | **%d AWS calls** (%.2f per object; %d writes), %d Kubernetes writes |\n",
				res.resync, len(res.resyncCalls), float64(len(res.resyncCalls))/float64(res.objects), okWrites(res.resyncCalls), res.resyncK8s.totalWrites())
			r.printf("| one resync's AWS calls by operation | %s |\n", byOperation(res.resyncCalls))
		}
		r.printf("| steady-state manager (restarted) peak RSS | %s |\n", res.steadyMem)
		if res.heapProfile != "" {
			r.printf("| heap profile of the steady-state manager | %s |\n", res.heapProfile)
		}
	}
	r.printf("\n")
}

// common prints what every run reports: calls, writes against minimal, Kubernetes
// writes, Secret reads, memory.
func (r *report) common(res *result) {
	calls := res.calls
	r.printf("| AWS calls | %d (%.1f per object): %s |\n", len(calls), float64(len(calls))/float64(res.objects), outcomes(calls))
	got, minimal, excess := writesAgainstMinimal(calls, res.minimal)
	r.printf("| AWS writes (successful) vs minimal | %d vs %d = **%.3f×**%s |\n", got, minimal, float64(got)/float64(max(1, minimal)), excess)
	k := res.k8s
	r.printf("| Kubernetes writes by the manager | %d = **%.2f per object**: %s |\n", k.totalWrites(), float64(k.totalWrites())/float64(res.objects), sortedCounts(k.Writes))
	r.printf("| Secret reads by the manager | %d |\n", k.SecretReads)
	r.printf("| manager peak RSS | %s |\n", res.peakMem)
	r.printf("| where the time went (until Ready and wired) | %s |\n", res.where)
}

func (r *report) bucket(res *result) {
	r.title(res)
	r.common(res)
	rl := res.faults.RateLimits
	for _, class := range []struct {
		name     string
		mutating bool
		rate     float64
	}{{"mutating", true, rl.MutatingRate}, {"read", false, rl.ReadRate}} {
		ok, window := rateOf(res.calls, class.mutating)
		used := 0.0
		if window > 0 {
			used = float64(ok) / window.Seconds() / class.rate
		}
		r.printf("| %s calls: rate used (successful calls/s over first to last call, against %.0f/s) | %.1f/s = **%.0f%%** |\n",
			class.name, class.rate, float64(ok)/max(window.Seconds(), 1e-9), 100*used)
	}
	use, seconds := bindingUse(res.calls, rl.MutatingRate, rl.ReadRate)
	r.printf("| the binding class's rate used, second by second (the higher of the two classes' shares, calls not throttled, mean over %d s) | **%.0f%%** |\n",
		seconds, 100*use)
	throttled := 0
	for _, c := range res.calls {
		if c.Outcome == "Throttling" || c.Outcome == "ThrottlingException" {
			throttled++
		}
	}
	r.printf("| share of calls throttled | %d of %d = **%.1f%%** |\n\n", throttled, len(res.calls), 100*float64(throttled)/float64(max(1, len(res.calls))))
}

func (r *report) faults(base, res *result) {
	r.title(res)
	r.common(res)
	if base.finished && res.finished {
		r.printf("| slowdown against fault-free (%s) | **%.1f×** |\n", seconds(base.elapsed), res.elapsed.Seconds()/base.elapsed.Seconds())
	}
	r.printf("\n")
}

// rateOf is the successful calls of a class and the window from the first call of
// that class to the last successful one.
func rateOf(calls awslocal.CallLog, mutating bool) (int, time.Duration) {
	var first, last time.Time
	ok := 0
	for _, c := range calls {
		if c.Mutating != mutating || c.Service == "sts" {
			continue
		}
		if first.IsZero() {
			first = c.At
		}
		if c.Outcome == "ok" {
			ok++
			last = c.At
		}
	}
	if ok == 0 {
		return 0, 0
	}
	return ok, last.Sub(first)
}

func okWrites(calls awslocal.CallLog) int {
	n := 0
	for _, c := range calls {
		if c.Mutating && c.Outcome == "ok" {
			n++
		}
	}
	return n
}

// writesAgainstMinimal compares the successful writes with the minimal set; an
// operation the minimal set does not name (the baseline's own) counts as minimal.
func writesAgainstMinimal(calls awslocal.CallLog, minimal map[string]int) (got, min int, excess string) {
	byOp := map[string]int{}
	for _, c := range calls {
		if c.Mutating && c.Outcome == "ok" {
			byOp[c.Operation]++
		}
	}
	var extra []string
	for op, n := range byOp {
		got += n
		want, known := minimal[op]
		if !known {
			min += n
			continue
		}
		min += want
		if n != want {
			extra = append(extra, fmt.Sprintf("%s %d (minimal %d)", op, n, want))
		}
	}
	for op, want := range minimal {
		if _, seen := byOp[op]; !seen && want > 0 {
			min += want
			extra = append(extra, fmt.Sprintf("%s 0 (minimal %d)", op, want))
		}
	}
	slices.Sort(extra)
	if len(extra) > 0 {
		excess = "; " + strings.Join(extra, ", ")
	}
	return got, min, excess
}

func outcomes(calls awslocal.CallLog) string {
	m := map[string]int{}
	for _, c := range calls {
		m[c.Outcome]++
	}
	return sortedCounts(m)
}

func byOperation(calls awslocal.CallLog) string {
	m := map[string]int{}
	for _, c := range calls {
		m[c.Operation]++
	}
	return sortedCounts(m)
}

// sortedCounts renders counts largest first.
func sortedCounts(m map[string]int) string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// String reads "137 MiB (anonymous 100 MiB, binary 37 MiB)": the peak of the total
// and, sampled, of each part (the parts peak at different moments).
func (p memoryPeak) String() string {
	return fmt.Sprintf("**%.0f MiB** (anonymous %.0f MiB, the binary's mapped pages %.0f MiB)",
		float64(p.hwm)/(1<<20), float64(p.anon)/(1<<20), float64(p.file)/(1<<20))
}
