package awslocal

import (
	"encoding/json"
	"net/http"
	"time"
)

// serveAdmin answers the emulator's own endpoints under /_awslocal/. They are
// unauthenticated, never faulted and never logged.
//
//	GET    /_awslocal/calls   the call log and its summary (JSON)
//	DELETE /_awslocal/calls   clear the call log
//	POST   /_awslocal/reset   clear all state and the log
//	GET    /_awslocal/faults  current fault settings
//	PUT    /_awslocal/faults  replace fault settings (latency as a Go duration, "50ms")
//	GET    /_awslocal/health  200 once serving
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_awslocal/calls" && r.Method == http.MethodGet:
		calls := s.Calls()
		if calls == nil {
			calls = CallLog{}
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"calls": calls, "summary": calls.Summary(), "total": len(calls), "mutating": len(calls.Mutating()),
		})
	case r.URL.Path == "/_awslocal/calls" && r.Method == http.MethodDelete:
		s.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_awslocal/reset" && r.Method == http.MethodPost:
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_awslocal/faults" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, toFaultsJSON(s.faults.get()))
	case r.URL.Path == "/_awslocal/faults" && r.Method == http.MethodPut:
		var fj faultsJSON
		if err := json.NewDecoder(r.Body).Decode(&fj); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f, err := fj.faults()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, toFaultsJSON(f))
	case r.URL.Path == "/_awslocal/health":
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	default:
		http.NotFound(w, r)
	}
}

type faultsJSON struct {
	Seed         int64   `json:"seed"`
	ThrottleRate float64 `json:"throttleRate"`
	FailureRate  float64 `json:"failureRate"`
	Latency      string  `json:"latency,omitempty"`
}

func toFaultsJSON(f Faults) faultsJSON {
	return faultsJSON{Seed: f.Seed, ThrottleRate: f.ThrottleRate, FailureRate: f.FailureRate, Latency: f.Latency.String()}
}

func (fj faultsJSON) faults() (Faults, error) {
	f := Faults{Seed: fj.Seed, ThrottleRate: fj.ThrottleRate, FailureRate: fj.FailureRate}
	if fj.Latency != "" {
		d, err := time.ParseDuration(fj.Latency)
		if err != nil {
			return f, err
		}
		f.Latency = d
	}
	return f, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
