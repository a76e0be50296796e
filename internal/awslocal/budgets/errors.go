package budgets

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes the aws-sdk-go-v2 budgets deserializer maps to typed errors
// (types.NotFoundException and friends). The SDK matches them case-insensitively
// against "__type", so the bare shape name is enough.
const (
	codeAccessDenied     = "AccessDeniedException"
	codeCreationLimit    = "CreationLimitExceededException"
	codeDuplicateRecord  = "DuplicateRecordException"
	codeInternal         = "InternalErrorException"
	codeInvalidNextToken = "InvalidNextTokenException"
	codeInvalidParameter = "InvalidParameterException"
	codeNotFound         = "NotFoundException"
	codeServiceQuota     = "ServiceQuotaExceededException"
	codeSerialization    = "SerializationException"
	codeUnknownOperation = "UnknownOperationException"
)

// apiError is a modelled Budgets error. Handlers return it as a plain error so
// they read like ordinary Go; Serve turns it into the wire response.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// newError builds a 400 error. Every Budgets error, including the server-side
// ones, is documented with HTTP status 400.
func newError(code, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: fmt.Sprintf(format, args...)}
}

func errInvalidParameter(format string, args ...any) error {
	return newError(codeInvalidParameter, format, args...)
}

func errNotFound(format string, args ...any) error {
	return newError(codeNotFound, format, args...)
}

func errDuplicate(format string, args ...any) error {
	return newError(codeDuplicateRecord, format, args...)
}

func errCreationLimit(format string, args ...any) error {
	return newError(codeCreationLimit, format, args...)
}

// errorBody is the JSON 1.1 error document. The SDK reads the type from
// "__type" and the text from "Message" (or "message").
type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"Message"`
}

// response is the single place an error becomes status, body and log code.
func (e *apiError) response() (int, []byte, string) {
	body, _ := json.Marshal(errorBody{Type: e.code, Message: e.message})
	return e.status, body, e.code
}
