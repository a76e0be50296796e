package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// whereTime says where a run's wall time went: the CPU each process used (the
// machine has two cores; what the processes do not use is waiting), and per
// controller how many reconciles ran, how long they took together, and how long
// an object waited in the queue on average. It is what decides whether more
// workers, fewer writes or less waiting would make the run shorter.
type whereTime struct {
	cpu         map[string]time.Duration // process ("kube-apiserver", "etcd", "manager", "bench-scale") -> CPU
	controllers map[string]controllerTime
}

type controllerTime struct {
	reconciles float64
	busy       float64 // seconds inside Reconcile, all workers together
	queueWait  float64 // mean seconds an object waited in the work queue
}

// cpuTimes reads the CPU (user + system) of this process and of its children (the
// envtest control plane and the manager), by command name.
func cpuTimes() map[string]time.Duration {
	out := map[string]time.Duration{}
	self := os.Getpid()
	if name, _, cpu, ok := procCPU("/proc/self/stat"); ok {
		out[name] += cpu
	}
	paths, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range paths {
		name, ppid, cpu, ok := procCPU(p)
		if ok && ppid == self {
			out[name] += cpu
		}
	}
	return out
}

// procCPU parses /proc/<pid>/stat: the command name, the parent, and utime + stime.
func procCPU(path string) (name string, ppid int, cpu time.Duration, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", 0, 0, false
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, 0, false
	}
	name = s[open+1 : end]
	f := strings.Fields(s[end+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return "", 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return name, ppid, time.Duration(utime+stime) * time.Second / ticksPerSecond, true
}

// cpuSince is after minus before, per process.
func cpuSince(before, after map[string]time.Duration) map[string]time.Duration {
	out := map[string]time.Duration{}
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// scrapeControllers reads the manager's controller-runtime and workqueue metrics.
func scrapeControllers(metricsAddr string) (map[string]controllerTime, error) {
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw := map[string]map[string]float64{} // controller -> metric -> value
	s := bufio.NewScanner(resp.Body)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		line := s.Text()
		for _, m := range []struct{ metric, label string }{
			{"controller_runtime_reconcile_time_seconds_sum", "controller"},
			{"controller_runtime_reconcile_time_seconds_count", "controller"},
			{"workqueue_queue_duration_seconds_sum", "name"},
			{"workqueue_queue_duration_seconds_count", "name"},
		} {
			if !strings.HasPrefix(line, m.metric+"{") {
				continue
			}
			_, rest, _ := strings.Cut(line, m.label+`="`)
			ctrl, _, _ := strings.Cut(rest, `"`)
			val, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			if ctrl == "" || err != nil {
				continue
			}
			if raw[ctrl] == nil {
				raw[ctrl] = map[string]float64{}
			}
			raw[ctrl][m.metric] = val
		}
	}
	out := map[string]controllerTime{}
	for ctrl, v := range raw {
		ct := controllerTime{reconciles: v["controller_runtime_reconcile_time_seconds_count"], busy: v["controller_runtime_reconcile_time_seconds_sum"]}
		if n := v["workqueue_queue_duration_seconds_count"]; n > 0 {
			ct.queueWait = v["workqueue_queue_duration_seconds_sum"] / n
		}
		out[ctrl] = ct
	}
	return out, s.Err()
}

// String is one table cell: CPU by process, then each controller.
func (w whereTime) String() string {
	var parts []string
	names := make([]string, 0, len(w.cpu))
	for k := range w.cpu {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int { return int(w.cpu[b] - w.cpu[a]) })
	var cpu []string
	for _, k := range names {
		cpu = append(cpu, fmt.Sprintf("%s %.1f s", k, w.cpu[k].Seconds()))
	}
	parts = append(parts, "CPU: "+strings.Join(cpu, ", "))
	ctrls := make([]string, 0, len(w.controllers))
	for k := range w.controllers {
		ctrls = append(ctrls, k)
	}
	slices.Sort(ctrls)
	for _, k := range ctrls {
		c := w.controllers[k]
		if c.reconciles == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s: %.0f reconciles, %.1f s in them (%.0f ms each), %.2f s mean queue wait",
			k, c.reconciles, c.busy, 1000*c.busy/c.reconciles, c.queueWait))
	}
	return strings.Join(parts, "; ")
}

// cpuProfiles saves 20-second CPU profiles of the API server (over its debug
// socket) and of the manager, taken together.
func cpuProfiles(cp *controlPlane, mgr *managerProcess, prefix string, n int) {
	const seconds = "20"
	save := func(client *http.Client, url, path string) {
		resp, err := client.Get(url)
		if err == nil {
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("%s", resp.Status)
			}
		}
		if err == nil {
			var f *os.File
			if f, err = os.Create(path); err == nil {
				_, err = io.Copy(f, resp.Body)
				_ = f.Close()
			}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench-scale: CPU profile %s: %v\n", path, err)
		}
	}
	overSocket := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", cp.debugSocket)
	}}}
	done := make(chan struct{})
	go func() {
		save(overSocket, "http://apiserver/debug/pprof/profile?seconds="+seconds, fmt.Sprintf("%s-apiserver-n%d.pprof", prefix, n))
		close(done)
	}()
	save(http.DefaultClient, "http://"+mgr.pprof+"/debug/pprof/profile?seconds="+seconds, fmt.Sprintf("%s-manager-n%d.pprof", prefix, n))
	<-done
}
