package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Parse reads a policy document as AWS returns it or as a person wrote it.
//
// IAM's Get*Policy and Get{Role,User} calls return documents URL-encoded with
// query escaping ('+' for a space, %XX otherwise). Raw JSON always starts with
// '{' once surrounding whitespace is trimmed, and URL-encoded text never does
// ('{' is escaped as %7B), so the text is unescaped only when it does not
// already look like JSON. Unescaping JSON would corrupt it: a '+' or '%' in a
// condition value is legitimate.
//
// Decoding is strict: an unknown top-level or statement key is an error that
// names the key, because a misspelt element ("Condtion") would otherwise be
// silently dropped and the policy would grant more than its author meant.
func Parse(doc string) (*Document, error) {
	text := strings.TrimSpace(doc)
	if text == "" {
		return nil, errors.New("policy document is empty")
	}
	if !strings.HasPrefix(text, "{") {
		unescaped, err := url.QueryUnescape(text)
		if err != nil {
			return nil, fmt.Errorf("policy document is neither JSON nor URL-encoded JSON: %w", err)
		}
		text = strings.TrimSpace(unescaped)
		if !strings.HasPrefix(text, "{") {
			return nil, errors.New("policy document is not a JSON object (it must start with '{')")
		}
	}
	var d Document
	if err := json.Unmarshal([]byte(text), &d); err != nil {
		return nil, fmt.Errorf("invalid policy document: %w", err)
	}
	return &d, nil
}

// Marshal returns the compact JSON the operator sends to AWS.
//
// The output is deterministic: values inside every list are sorted and
// de-duplicated and map keys are sorted, so two builds of the same desired
// state produce byte-identical strings even when the inputs were gathered in
// a different order (a label selector, say). Statement order and the case of
// action names are kept as written, because they are what a person reads in
// the console; Canonical is the form for comparison, not for display.
func Marshal(d *Document) (string, error) {
	if d == nil {
		return "", errors.New("nil policy document")
	}
	b, err := encodeNoHTML(tidy(d, false))
	if err != nil {
		return "", err
	}
	return string(b), nil
}
