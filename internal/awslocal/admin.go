package awslocal

import (
	"encoding/json"
	"fmt"
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
//	PUT    /_awslocal/faults  replace fault settings (latency as a Go duration, "50ms";
//	                          rateLimits per account: mutatingRate/Burst, readRate/Burst)
//	GET    /_awslocal/health  200 once serving
//	POST   /_awslocal/console-signin  a user's console sign-in (test hook, see ConsoleSignIn)
//	PUT    /_awslocal/authorization   {"account": ID, "enabled": bool}: authorise requests (see RequireAuthorization)
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
	case r.URL.Path == "/_awslocal/console-signin" && r.Method == http.MethodPost:
		s.serveConsoleSignIn(w, r)
	case r.URL.Path == "/_awslocal/authorization" && r.Method == http.MethodPut:
		s.serveAuthorization(w, r)
	case r.URL.Path == "/_awslocal/health":
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	default:
		http.NotFound(w, r)
	}
}

type faultsJSON struct {
	Seed                 int64      `json:"seed"`
	ThrottleRate         float64    `json:"throttleRate"`
	FailureRate          float64    `json:"failureRate"`
	Latency              string     `json:"latency,omitempty"`
	PrincipalPropagation string     `json:"principalPropagation,omitempty"`
	RateLimits           RateLimits `json:"rateLimits"`
}

func toFaultsJSON(f Faults) faultsJSON {
	return faultsJSON{Seed: f.Seed, ThrottleRate: f.ThrottleRate, FailureRate: f.FailureRate, Latency: f.Latency.String(),
		PrincipalPropagation: f.PrincipalPropagation.String(), RateLimits: f.RateLimits}
}

func (fj faultsJSON) faults() (Faults, error) {
	f := Faults{Seed: fj.Seed, ThrottleRate: fj.ThrottleRate, FailureRate: fj.FailureRate, RateLimits: fj.RateLimits}
	if fj.ThrottleRate < 0 || fj.FailureRate < 0 || fj.ThrottleRate+fj.FailureRate > 1 {
		return f, fmt.Errorf("throttleRate and failureRate must be >= 0 and sum to at most 1")
	}
	if r := fj.RateLimits; r.MutatingRate < 0 || r.ReadRate < 0 || r.MutatingBurst < 0 || r.ReadBurst < 0 {
		return f, fmt.Errorf("rate limits and bursts must be >= 0")
	}
	for _, d := range []struct {
		in  string
		out *time.Duration
	}{{fj.Latency, &f.Latency}, {fj.PrincipalPropagation, &f.PrincipalPropagation}} {
		if d.in == "" {
			continue
		}
		v, err := time.ParseDuration(d.in)
		if err != nil {
			return f, err
		}
		*d.out = v
	}
	return f, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
