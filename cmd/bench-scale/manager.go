package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// managerProcess is the operator as it ships, run as its own process.
type managerProcess struct {
	cmd     *exec.Cmd
	logs    *tailBuffer
	exited  chan error
	probe   string
	pprof   string
	metrics string
	done    chan struct{} // closed when the process has exited

	mu   sync.Mutex
	peak memoryPeak
}

// startManager runs bin against the control plane and the local AWS at awsURL and
// waits until it reports ready.
func startManager(ctx context.Context, bin, kubeconfig, awsURL string, env, args []string) (*managerProcess, error) {
	metrics, err := freeAddr()
	if err != nil {
		return nil, err
	}
	probe, err := freeAddr()
	if err != nil {
		return nil, err
	}
	pprof, err := freeAddr()
	if err != nil {
		return nil, err
	}
	all := append([]string{"--kubeconfig", kubeconfig, "--metrics-bind-address", metrics,
		"--health-probe-bind-address", probe, "--pprof-bind-address", pprof, "--log-level", "error"}, args...)
	cmd := exec.Command(bin, all...)
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+awsURL, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_REGION=us-east-1", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "KUBECONFIG=")
	cmd.Env = append(cmd.Env, env...)
	m := &managerProcess{cmd: cmd, logs: &tailBuffer{max: 64 << 10}, exited: make(chan error, 1), probe: probe, pprof: pprof, metrics: metrics,
		done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = m.logs, m.logs
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { err := cmd.Wait(); close(m.done); m.exited <- err }()
	go m.sampleMemory()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-m.exited:
			return nil, fmt.Errorf("the manager exited: %v\n%s", err, m.logs.String())
		case <-ctx.Done():
			m.stop()
			return nil, ctx.Err()
		default:
		}
		if resp, err := http.Get("http://" + probe + "/readyz"); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return m, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.stop()
	return nil, fmt.Errorf("the manager was not ready within 2 minutes\n%s", m.logs.String())
}

// memoryPeak is the manager's memory at its peak. VmHWM counts the pages of the
// binary mapped from the file as well (text and read-only data, about 35 MiB of a
// 57 MB binary once most code has run): the kernel can drop those under pressure,
// while anonymous memory (the Go heap, stacks, runtime) is what a memory limit
// kills for. Both are reported.
type memoryPeak struct {
	hwm, anon, file int64 // bytes; anon and file are the highest sampled values
}

// sampleMemory samples the manager's RssAnon and RssFile every 100 ms until it
// exits, so that their peaks are known (the kernel keeps only VmHWM, the total).
func (m *managerProcess) sampleMemory() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-m.done:
			return
		case <-t.C:
		}
		st := m.procStatus()
		m.mu.Lock()
		m.peak.anon = max(m.peak.anon, st["RssAnon:"])
		m.peak.file = max(m.peak.file, st["RssFile:"])
		m.mu.Unlock()
	}
}

// procStatus reads the memory fields of /proc/<pid>/status, in bytes.
func (m *managerProcess) procStatus() map[string]int64 {
	out := map[string]int64{}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", m.cmd.Process.Pid))
	if err != nil {
		return out
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), "\t")
		if !ok || !strings.HasSuffix(v, " kB") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, " kB")), 10, 64)
		if err == nil {
			out[k] = kb << 10
		}
	}
	return out
}

// peakMemory is the manager's peak memory so far.
func (m *managerProcess) peakMemory() memoryPeak {
	st := m.procStatus()
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.peak
	p.hwm = st["VmHWM:"]
	p.anon = max(p.anon, st["RssAnon:"])
	p.file = max(p.file, st["RssFile:"])
	return p
}

// heapProfile saves the manager's heap profile (after a GC) to path, for
// `go tool pprof -top -sample_index=inuse_space`.
func (m *managerProcess) heapProfile(path string) error {
	resp, err := http.Get("http://" + m.pprof + "/debug/pprof/heap?gc=1")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("heap profile: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}

// stop sends SIGTERM and waits for a clean exit (SIGKILL after 30 s).
func (m *managerProcess) stop() {
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.exited:
	case <-time.After(30 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.exited
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// tailBuffer keeps the last max bytes written, for an error report.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
