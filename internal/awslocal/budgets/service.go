// Package budgets is the AWS Budgets part of awslocal: an in-memory service that
// speaks the Budgets JSON 1.1 protocol closely enough for an unmodified
// aws-sdk-go-v2 budgets client. The awslocal core does the HTTP, SigV4 and
// routing; this package only turns one request body into one response body.
package budgets

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// Service holds every account's budgets. One mutex guards all of it: requests
// are tiny and in memory, so serialising them costs nothing and makes every
// operation atomic, which is what callers of a real API observe.
type Service struct {
	now func() time.Time

	mu       sync.Mutex
	accounts map[string]*account
}

// New returns an empty service. now is the clock for LastUpdatedTime and default
// time periods, so tests can pin it.
func New(now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{now: now, accounts: map[string]*account{}}
}

// Reset forgets every budget in every account.
func (s *Service) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts = map[string]*account{}
}

// handler runs one operation for the caller's account with the lock held.
type handler func(s *Service, callerAccount string, body []byte) (any, error)

// handlers is the dispatch table; its keys are X-Amz-Target without the
// "AWSBudgetServiceGateway." prefix.
var handlers = map[string]handler{
	"CreateBudget":                       op(createBudget),
	"DescribeBudget":                     op(describeBudget),
	"DescribeBudgets":                    op(describeBudgets),
	"UpdateBudget":                       op(updateBudget),
	"DeleteBudget":                       op(deleteBudget),
	"CreateNotification":                 op(createNotification),
	"UpdateNotification":                 op(updateNotification),
	"DeleteNotification":                 op(deleteNotification),
	"DescribeNotificationsForBudget":     op(describeNotificationsForBudget),
	"CreateSubscriber":                   op(createSubscriber),
	"UpdateSubscriber":                   op(updateSubscriber),
	"DeleteSubscriber":                   op(deleteSubscriber),
	"DescribeSubscribersForNotification": op(describeSubscribersForNotification),
	"TagResource":                        op(tagResource),
	"UntagResource":                      op(untagResource),
	"ListTagsForResource":                op(listTagsForResource),
}

// Serve handles one JSON 1.1 request for the caller's account. operation is the
// part of X-Amz-Target after "AWSBudgetServiceGateway.". It returns the HTTP
// status, the JSON body, and the error code ("" on success) for the call log.
func (s *Service) Serve(accountID, operation string, body []byte) (status int, respBody []byte, errCode string) {
	h, ok := handlers[operation]
	if !ok {
		return newError(codeUnknownOperation, "operation %q is not supported by awslocal budgets", operation).response()
	}

	resp, err := s.run(h, accountID, body)
	if err != nil {
		var apiErr *apiError
		if !errors.As(err, &apiErr) {
			apiErr = &apiError{status: http.StatusInternalServerError, code: codeInternal, message: err.Error()}
		}
		return apiErr.response()
	}
	return http.StatusOK, resp, ""
}

// run executes h under the lock. The response is marshalled before unlocking
// because it points into the store; the deferred unlock keeps a panicking
// handler from wedging every later request.
func (s *Service) run(h handler, accountID string, body []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := h(s, accountID, body)
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// accountScoped is embedded by every request that carries an AccountId, so op
// can check it once for all of them.
type accountScoped struct {
	AccountID string `json:"AccountId"`
}

func (a accountScoped) accountID() string { return a.AccountID }

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// op adapts a typed operation to a handler: it decodes the body, enforces that
// the AccountId in the body is the caller's own (Budgets has no cross-account
// access without an organisation, which the emulator does not model), and hands
// the operation the caller's account.
func op[Req any](fn func(s *Service, acct *account, req *Req) (any, error)) handler {
	return func(s *Service, callerAccount string, body []byte) (any, error) {
		req := new(Req)
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, req); err != nil {
				return nil, newError(codeSerialization, "cannot decode request: %v", err)
			}
		}
		if scoped, ok := any(req).(interface{ accountID() string }); ok {
			id := scoped.accountID()
			if !accountIDPattern.MatchString(id) {
				return nil, errInvalidParameter("AccountId %q must be 12 digits", id)
			}
			if id != callerAccount {
				return nil, newError(codeAccessDenied, "account %s is not authorized to access budgets of account %s", callerAccount, id)
			}
		}
		return fn(s, s.account(callerAccount), req)
	}
}

// empty is the body of operations that return nothing.
type empty struct{}
