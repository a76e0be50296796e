package awslocal

import (
	"fmt"
	"net/http"
)

// awsError is an error answered to the client with AWS's code and HTTP status.
type awsError struct {
	Status  int
	Code    string
	Message string
}

func (e *awsError) Error() string { return e.Code + ": " + e.Message }

func newErr(status int, code, format string, args ...any) *awsError {
	return &awsError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func errNoSuchEntity(format string, args ...any) *awsError {
	return newErr(http.StatusNotFound, "NoSuchEntity", format, args...)
}

func errAlreadyExists(format string, args ...any) *awsError {
	return newErr(http.StatusConflict, "EntityAlreadyExists", format, args...)
}

func errDeleteConflict(format string, args ...any) *awsError {
	return newErr(http.StatusConflict, "DeleteConflict", format, args...)
}

func errLimitExceeded(format string, args ...any) *awsError {
	return newErr(http.StatusConflict, "LimitExceeded", format, args...)
}

func errValidation(format string, args ...any) *awsError {
	return newErr(http.StatusBadRequest, "ValidationError", format, args...)
}

func errInvalidInput(format string, args ...any) *awsError {
	return newErr(http.StatusBadRequest, "InvalidInput", format, args...)
}

func errMalformedPolicy(format string, args ...any) *awsError {
	return newErr(http.StatusBadRequest, "MalformedPolicyDocument", format, args...)
}

func errPasswordPolicy(format string, args ...any) *awsError {
	return newErr(http.StatusBadRequest, "PasswordPolicyViolation", format, args...)
}

func errAccessDenied(format string, args ...any) *awsError {
	return newErr(http.StatusForbidden, "AccessDenied", format, args...)
}

// Authentication errors, shared by the Query services; Budgets (JSON) uses
// the *Exception spellings from jsonErrorCode.
var (
	errMissingAuth = newErr(http.StatusForbidden, "MissingAuthenticationToken",
		"Request is missing Authentication Token")
	errInvalidToken = newErr(http.StatusForbidden, "InvalidClientTokenId",
		"The security token included in the request is invalid.")
	errBadSignature = newErr(http.StatusForbidden, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	errExpiredToken = newErr(http.StatusForbidden, "ExpiredToken",
		"The security token included in the request is expired")
	errThrottling = newErr(http.StatusBadRequest, "Throttling", "Rate exceeded")
	errFailure    = newErr(http.StatusInternalServerError, "ServiceFailure",
		"The request processing has failed because of an unknown error, exception or failure.")
)

// jsonErrorCode maps a Query-style code to the JSON 1.1 spelling Budgets uses.
func jsonErrorCode(code string) string {
	switch code {
	case "InvalidClientTokenId":
		return "UnrecognizedClientException"
	case "SignatureDoesNotMatch":
		return "InvalidSignatureException"
	case "MissingAuthenticationToken":
		return "MissingAuthenticationTokenException"
	case "ExpiredToken":
		return "ExpiredTokenException"
	case "Throttling":
		return "ThrottlingException"
	case "ServiceFailure":
		return "InternalErrorException"
	case "AccessDenied":
		return "AccessDeniedException"
	}
	return code
}
