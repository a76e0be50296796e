package awslocal

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var (
	namePattern       = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern       = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
	pathPrefixPattern = regexp.MustCompile(`^/[\x21-\x7F]*$`)
	tagPattern        = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	aliasPattern      = regexp.MustCompile(`^[a-z0-9]([a-z0-9]|-[a-z0-9])*[a-z0-9]?$`)
	// descriptionPattern is what IAM accepts in role and policy descriptions: tab,
	// newline, carriage return and printable Latin-1 (no emoji, no other scripts).
	descriptionPattern = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{00A1}-\x{00FF}]*$`)
	// documentPattern is what IAM accepts in policy documents: tab, newline,
	// carriage return and the characters from space through U+00FF.
	documentPattern = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+$`)
)

// Name length limits by entity, as IAM enforces them.
const (
	maxUserName   = 64
	maxRoleName   = 64
	maxGroupName  = 128
	maxPolicyName = 128
	maxPath       = 512
	maxTags       = 50
)

func validationFailed(value, param, constraint string) error {
	return errValidation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, param, constraint)
}

// validateName checks an IAM entity or policy name.
func validateName(param, v string, max int) error {
	if v == "" {
		return errValidation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(param))
	}
	if utf8.RuneCountInString(v) > max {
		return validationFailed(v, lowerFirst(param), "Member must have length less than or equal to "+itoa(max))
	}
	if !namePattern.MatchString(v) {
		return validationFailed(v, lowerFirst(param), `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}
	return nil
}

// pathParam returns the named path parameter ("/" when absent), validated.
func (c *call) pathParam(param string) (string, error) {
	v := c.p.str(param)
	if !c.p.has(param) {
		return "/", nil
	}
	if len(v) > maxPath {
		return "", validationFailed(v, lowerFirst(param), "Member must have length less than or equal to 512")
	}
	if !pathPattern.MatchString(v) {
		return "", validationFailed(v, lowerFirst(param), `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	}
	return v, nil
}

// pathPrefix returns the PathPrefix filter ("/" when absent), validated.
func (c *call) pathPrefix() (string, error) {
	v := c.p.str("PathPrefix")
	if v == "" {
		return "/", nil
	}
	if len(v) > maxPath || !pathPrefixPattern.MatchString(v) {
		return "", validationFailed(v, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	return v, nil
}

// nameParam reads and validates a required name parameter.
func (c *call) nameParam(param string, max int) (string, error) {
	v := c.p.str(param)
	return v, validateName(param, v, max)
}

// validateTags checks tags of one request: sizes, characters, duplicates.
func validateTags(tags []tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		if t.Key == "" || utf8.RuneCountInString(t.Key) > 128 || !tagPattern.MatchString(t.Key) {
			return validationFailed(t.Key, "tags.member.key", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
		}
		if utf8.RuneCountInString(t.Value) > 256 || !tagPattern.MatchString(t.Value) {
			return validationFailed(t.Value, "tags.member.value", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return errInvalidInput("User-defined tag keys can't start with 'aws:'")
		}
		if seen[key(t.Key)] {
			return errInvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[key(t.Key)] = true
	}
	if len(tags) > maxTags {
		return errLimitExceeded("The number of tags has reached the maximum limit.")
	}
	return nil
}

// mergeTags adds or overwrites tags (keys compare case-insensitively).
func mergeTags(existing, add []tag) ([]tag, error) {
	if err := validateTags(add); err != nil {
		return nil, err
	}
	out := append([]tag(nil), existing...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if key(out[i].Key) == key(t.Key) {
				out[i] = t
				replaced = true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return nil, errLimitExceeded("The number of tags has reached the maximum limit.")
	}
	return out, nil
}

func removeTags(existing []tag, keys []string) []tag {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[key(k)] = true
	}
	var out []tag
	for _, t := range existing {
		if !drop[key(t.Key)] {
			out = append(out, t)
		}
	}
	return out
}
