package awslocal

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// call is the context an IAM or STS action runs in. Actions run with s.mu held.
type call struct {
	s       *Server
	acct    *account // the caller's account
	caller  caller
	p       params
	now     time.Time
	region  string
	service string
}

// actionFunc implements one Query action. It returns the value encoded inside
// <ActionResult> (nil for none) or an error (an *awsError for AWS errors).
type actionFunc func(c *call) (any, error)

// queryService is a Query-protocol service: its namespace, API version and
// action table.
type queryService struct {
	name    string
	xmlns   string
	version string
	actions map[string]actionFunc
}

var (
	iamService = &queryService{name: "iam", xmlns: iamXMLNS, version: "2010-05-08"}
	stsService = &queryService{name: "sts", xmlns: stsXMLNS, version: "2011-06-15"}
)

// The tables are filled in init to break the initialisation cycle between the
// tables and actions that consult them.
func init() {
	iamService.actions = iamActions()
	stsService.actions = stsActions()
}

const budgetsTargetPrefix = "AWSBudgetServiceGateway."

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_awslocal/") {
		s.serveAdmin(w, r)
		return
	}
	reqID := requestID()
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	auth, signed := parseSigV4(r.Header.Get("Authorization"))

	// Route by the credential scope's service; unsigned requests are routed
	// by their shape only so that they can be answered in the right format.
	service := auth.Service
	if !signed {
		service = guessService(r, body)
	}
	var qs *queryService
	var form params
	var op string
	switch service {
	case "iam":
		qs = iamService
	case "sts":
		qs = stsService
	case "budgets":
		op = strings.TrimPrefix(r.Header.Get("X-Amz-Target"), budgetsTargetPrefix)
	default:
		writeQueryError(w, iamXMLNS, reqID, newErr(http.StatusBadRequest, "UnknownService",
			"awslocal serves iam, sts and budgets, not %q", service))
		return
	}
	if qs != nil {
		form = queryForm(r, body)
		op = form.str("Action")
	}
	fail := func(acctID string, e *awsError) {
		s.log.add(Call{Service: service, Operation: op, Account: acctID, Outcome: e.Code, Mutating: isMutating(op)})
		if qs != nil {
			writeQueryError(w, qs.xmlns, reqID, e)
		} else {
			writeJSONError(w, reqID, e)
		}
	}

	if !signed {
		fail("", errMissingAuth)
		return
	}
	who, authErr := s.authenticate(r, body, auth)
	if authErr != nil {
		fail("", authErr)
		return
	}

	// IAM throttles by rate first: a call over its account's rate is refused whatever
	// the random faults would have drawn (and draws nothing, so the random sequence
	// does not depend on timing).
	if !s.limits.allow(who.accountID, service, isMutating(op)) {
		fail(who.accountID, errThrottling)
		return
	}
	fault, latency := s.faults.next()
	if latency > 0 {
		time.Sleep(latency)
	}
	switch fault {
	case faultThrottle:
		fail(who.accountID, errThrottling)
		return
	case faultFailure:
		fail(who.accountID, errFailure)
		return
	}
	if s.oneShot.take(op) {
		fail(who.accountID, errInterrupted)
		return
	}

	if qs == nil {
		if aerr := s.authorizeBudgets(who, op, auth.Region); aerr != nil {
			fail(who.accountID, aerr)
			return
		}
		s.serveBudgets(w, reqID, who, op, body)
		return
	}
	result, aerr := s.runQueryAction(qs, op, form, who, auth.Region)
	if aerr == nil && s.oneShot.takeLost(op) {
		aerr = errAnswerLost
	}
	if aerr != nil {
		fail(who.accountID, aerr)
		return
	}
	s.log.add(Call{Service: service, Operation: op, Account: who.accountID, Outcome: "ok", Mutating: isMutating(op)})
	writeQueryResult(w, qs.xmlns, op, reqID, result)
}

// runQueryAction looks the action up and runs it under the state lock. A panic
// in an action becomes a ServiceFailure rather than a dead connection.
func (s *Server) runQueryAction(qs *queryService, op string, form params, who caller, region string) (result any, aerr *awsError) {
	fn, ok := qs.actions[op]
	if !ok {
		return nil, newErr(http.StatusBadRequest, "InvalidAction",
			"Could not find operation %s for version %s", op, form.str("Version"))
	}
	if v := form.str("Version"); v != qs.version {
		return nil, newErr(http.StatusBadRequest, "InvalidAction",
			"Could not find operation %s for version %s", op, v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			result, aerr = nil, newErr(http.StatusInternalServerError, "ServiceFailure", "internal error: %v", p)
		}
	}()
	c := &call{s: s, acct: s.accountLocked(who.accountID), caller: who, p: form,
		now: s.now(), region: region, service: qs.name}
	if err := c.authorize(op); err != nil {
		return nil, err.(*awsError)
	}
	res, err := fn(c)
	if err != nil {
		var e *awsError
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, newErr(http.StatusInternalServerError, "ServiceFailure", "%v", err)
	}
	return res, nil
}

// serveBudgets delegates a JSON 1.1 call to the Budgets service.
func (s *Server) serveBudgets(w http.ResponseWriter, reqID string, who caller, op string, body []byte) {
	status, resp, code := s.budgets.Serve(who.accountID, op, body)
	outcome := code
	if outcome == "" {
		outcome = "ok"
	}
	s.log.add(Call{Service: "budgets", Operation: op, Account: who.accountID, Outcome: outcome, Mutating: isMutating(op)})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", reqID)
	if code != "" {
		w.Header().Set("X-Amzn-Errortype", code)
	}
	w.WriteHeader(status)
	_, _ = w.Write(resp)
}

// queryForm merges URL query parameters and a form-encoded body, as AWS
// accepts Query requests either way.
func queryForm(r *http.Request, body []byte) params {
	form := url.Values{}
	for k, v := range r.URL.Query() {
		form[k] = append(form[k], v...)
	}
	if parsed, err := url.ParseQuery(string(body)); err == nil {
		for k, v := range parsed {
			form[k] = append(form[k], v...)
		}
	}
	return params(form)
}

// guessService routes an unsigned request so its error is in the right format.
func guessService(r *http.Request, body []byte) string {
	if strings.HasPrefix(r.Header.Get("X-Amz-Target"), budgetsTargetPrefix) {
		return "budgets"
	}
	action := queryForm(r, body).str("Action")
	if _, ok := stsService.actions[action]; ok {
		return "sts"
	}
	return "iam"
}
