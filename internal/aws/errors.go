package aws

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// Error classes. Controllers ask these questions instead of parsing AWS errors
// themselves: is it missing, is it a race, should it be retried, or does a person
// have to change the spec?

// Code is the AWS error code of err, or "" when err is not an AWS API error.
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Message is the AWS error message of err without the SDK's request metadata.
func Message(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// IsNotFound: the entity does not exist (IAM NoSuchEntity, Budgets NotFoundException).
func IsNotFound(err error) bool {
	switch Code(err) {
	case "NoSuchEntity", "NotFoundException", "NoSuchEntityException":
		return true
	}
	return false
}

// IsAlreadyExists: a create raced with another writer or with a previous attempt
// whose answer was lost.
func IsAlreadyExists(err error) bool {
	switch Code(err) {
	case "EntityAlreadyExists", "EntityAlreadyExistsException", "DuplicateRecordException":
		return true
	}
	return false
}

// IsThrottled: AWS asked us to slow down. The SDK has already retried with backoff;
// the controller requeues.
func IsThrottled(err error) bool {
	switch Code(err) {
	case "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException":
		return true
	}
	return false
}

// IsInvalidPrincipal: IAM refused a trust policy that names a principal it cannot
// resolve. For a user created a moment ago this is IAM's eventual consistency, so it
// is retried rather than reported as a bad spec.
func IsInvalidPrincipal(err error) bool {
	return Code(err) == "MalformedPolicyDocument" && strings.Contains(strings.ToLower(Message(err)), "invalid principal")
}

// IsTerminal: retrying cannot help; the spec (or the account) has to change. The
// controller reports these as Stalled.
func IsTerminal(err error) bool {
	if IsInvalidPrincipal(err) {
		return false
	}
	switch Code(err) {
	case "MalformedPolicyDocument", "ValidationError", "InvalidInput", "PasswordPolicyViolation",
		"LimitExceeded", "InvalidParameterException", "CreationLimitExceededException",
		"AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "UnrecognizedClientException":
		return true
	}
	return false
}
