// Package awslocal is an in-memory AWS (IAM, STS and Budgets) that unmodified
// aws-sdk-go-v2 clients talk to over HTTP. It speaks the real wire protocols
// (AWS Query for IAM and STS, JSON 1.1 for Budgets), verifies SigV4 signatures
// and answers with AWS's error codes, so code tested against it behaves the
// same against real AWS.
package awslocal

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/iam-baseline/operator/internal/awslocal/budgets"
)

// Options configures a Server. Zero values get the defaults documented per field.
type Options struct {
	AccountID       string // default "123456789012"
	AccessKeyID     string // default "test"
	SecretAccessKey string // default "test"
	Region          string // default "us-east-1"
	Faults          Faults
	Now             func() time.Time // default time.Now; tests may pin it
}

// Server is the local AWS. All methods are safe for concurrent use.
type Server struct {
	opts   Options
	now    func() time.Time
	region string

	// mu guards everything below it: IAM/STS state, credentials and sessions.
	// One lock keeps cross-entity invariants (DeleteConflict checks, trust
	// policy rewrites across accounts) trivially consistent.
	mu           sync.Mutex
	rootKeys     map[string]rootKey    // configured account credentials; survive Reset
	accounts     map[string]*account   // IAM state per account ID
	sessions     map[string]*session   // temporary credentials by access key ID
	userKeys     map[string]userKeyRef // IAM user access key ID -> owner
	aliases      map[string]string     // account alias -> account ID (aliases are global)
	accountOrder []string              // configured account IDs, in order
	authorizing  map[string]bool       // accounts whose requests are authorised; survive Reset

	budgets *budgets.Service // locks internally

	faults  *faultInjector
	limits  *rateLimiter
	oneShot oneShotFaults
	log     *callLog

	httpMu  sync.Mutex
	httpSrv *http.Server
	url     string
}

type rootKey struct {
	accountID string
	secret    string
}

// New returns a Server configured by opts; it does not listen until Start.
func New(opts Options) *Server {
	if opts.AccountID == "" {
		opts.AccountID = "123456789012"
	}
	if opts.AccessKeyID == "" {
		opts.AccessKeyID = "test"
	}
	if opts.SecretAccessKey == "" {
		opts.SecretAccessKey = "test"
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{
		opts:        opts,
		now:         func() time.Time { return now().UTC() },
		region:      opts.Region,
		rootKeys:    map[string]rootKey{},
		authorizing: map[string]bool{},
		faults:      newFaultInjector(opts.Faults),
		limits:      newRateLimiter(opts.Faults.RateLimits),
		log:         &callLog{},
	}
	s.budgets = budgets.New(s.now)
	s.resetStateLocked()
	s.AddAccount(opts.AccountID, opts.AccessKeyID, opts.SecretAccessKey)
	return s
}

// AddAccount configures another account and its root-ish admin credentials.
// Requests signed with accessKeyID act as that account's root.
func (s *Server) AddAccount(accountID, accessKeyID, secretAccessKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rootKeys[accessKeyID] = rootKey{accountID: accountID, secret: secretAccessKey}
	for _, id := range s.accountOrder {
		if id == accountID {
			s.accountLocked(accountID)
			return
		}
	}
	s.accountOrder = append(s.accountOrder, accountID)
	s.accountLocked(accountID)
}

// Reset clears all IAM, STS and Budgets state and the call log. Configured
// accounts and their credentials stay; the fault generator is reseeded so a
// run after Reset repeats the same fault sequence, and the rate buckets are full.
func (s *Server) Reset() {
	s.mu.Lock()
	s.resetStateLocked()
	for _, id := range s.accountOrder {
		s.accountLocked(id)
	}
	s.mu.Unlock()
	s.budgets.Reset()
	s.faults.reseed()
	s.limits.set(s.faults.get().RateLimits)
	s.log.reset()
}

func (s *Server) resetStateLocked() {
	s.accounts = map[string]*account{}
	s.sessions = map[string]*session{}
	s.userKeys = map[string]userKeyRef{}
	s.aliases = map[string]string{}
}

// SetFaults replaces the fault configuration (rate limits included) at run time,
// reseeds and refills the rate buckets.
func (s *Server) SetFaults(f Faults) {
	s.faults.set(f)
	s.limits.set(f.RateLimits)
}

// Calls returns a snapshot of the call log.
func (s *Server) Calls() CallLog { return s.log.snapshot() }

// ResetCalls clears the call log only.
func (s *Server) ResetCalls() { s.log.reset() }

// Handler returns the HTTP handler serving every service and the admin endpoints.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Start listens on addr (for example "127.0.0.1:0") and serves in the
// background. It returns the base URL, e.g. "http://127.0.0.1:4566".
func (s *Server) Start(addr string) (string, error) {
	s.httpMu.Lock()
	defer s.httpMu.Unlock()
	if s.httpSrv != nil {
		return "", errors.New("awslocal: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.httpSrv = srv
	s.url = "http://" + ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	return s.url, nil
}

// URL returns the base URL after Start, or "".
func (s *Server) URL() string {
	s.httpMu.Lock()
	defer s.httpMu.Unlock()
	return s.url
}

// Close stops serving, letting in-flight requests finish for a few seconds.
func (s *Server) Close() error {
	s.httpMu.Lock()
	srv := s.httpSrv
	s.httpSrv = nil
	s.httpMu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return srv.Close()
	}
	return nil
}
