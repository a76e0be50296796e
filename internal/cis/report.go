package cis

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// RootUser is the credential report's name for the account's root user.
const RootUser = "<root_account>"

// ErrMissingColumn is wrapped by ParseCredentialReport when the header lacks a
// column the findings need, so callers can tell a format change from a
// damaged report with errors.Is.
var ErrMissingColumn = errors.New("credential report: missing column")

// ReportRow is one user (or the root user) of the credential report, typed.
// A nil time means the report had no value: "N/A", "no_information" or
// "not_supported".
type ReportRow struct {
	User string
	ARN  string
	// Root is true for the "<root_account>" row.
	Root                bool
	UserCreated         time.Time
	PasswordEnabled     bool
	PasswordLastUsed    *time.Time
	PasswordLastChanged *time.Time
	MFAActive           bool
	// Keys are access keys 1 and 2, in the report's order.
	Keys [2]KeyInfo
}

// KeyInfo is one access key slot of a ReportRow. An empty slot is inactive
// with nil times.
type KeyInfo struct {
	Active      bool
	LastRotated *time.Time
	LastUsed    *time.Time
}

// Column names, as AWS writes them in the header row.
const (
	colUser            = "user"
	colARN             = "arn"
	colUserCreated     = "user_creation_time"
	colPasswordEnabled = "password_enabled"
	colPasswordUsed    = "password_last_used"
	colPasswordChanged = "password_last_changed"
	colMFAActive       = "mfa_active"
)

func keyCol(slot int, field string) string { return fmt.Sprintf("access_key_%d_%s", slot, field) }

// requiredColumns are the columns the findings read. Others (regions,
// services, certificates, password_next_rotation) may be absent or added:
// columns are looked up by name, never by position.
var requiredColumns = []string{
	colUser, colARN, colUserCreated, colPasswordEnabled, colPasswordUsed,
	colPasswordChanged, colMFAActive,
	keyCol(1, "active"), keyCol(1, "last_rotated"), keyCol(1, "last_used_date"),
	keyCol(2, "active"), keyCol(2, "last_rotated"), keyCol(2, "last_used_date"),
}

// ParseCredentialReport parses the CSV of IAM GetCredentialReport (already
// base64-decoded): a header row, then one row per user. A malformed value is
// an error naming its line and column rather than a silently wrong finding.
func ParseCredentialReport(data []byte) ([]ReportRow, error) {
	// A BOM would end up in the first header name and hide the "user" column.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = true // every value is copied out (strings), so reuse is safe

	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("credential report: empty, no header row")
		}
		return nil, fmt.Errorf("credential report: header: %w", err)
	}
	idx := make(map[string]int, len(header))
	for i, name := range header {
		idx[strings.ToLower(strings.TrimSpace(name))] = i
	}
	var missing []string
	for _, name := range requiredColumns {
		if _, ok := idx[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrMissingColumn, strings.Join(missing, ", "))
	}

	var rows []ReportRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("credential report: %w", err)
		}
		line, _ := r.FieldPos(0)
		p := rowParser{rec: rec, idx: idx, line: line}
		row := ReportRow{User: p.str(colUser), ARN: p.str(colARN)}
		row.Root = row.User == RootUser
		if t := p.time(colUserCreated); t != nil {
			row.UserCreated = *t
		}
		row.PasswordEnabled = p.bool(colPasswordEnabled)
		row.PasswordLastUsed = p.time(colPasswordUsed)
		row.PasswordLastChanged = p.time(colPasswordChanged)
		row.MFAActive = p.bool(colMFAActive)
		for i := range row.Keys {
			row.Keys[i] = KeyInfo{
				Active:      p.bool(keyCol(i+1, "active")),
				LastRotated: p.time(keyCol(i+1, "last_rotated")),
				LastUsed:    p.time(keyCol(i+1, "last_used_date")),
			}
		}
		if p.err != nil {
			return nil, p.err
		}
		rows = append(rows, row)
	}
}

// rowParser reads typed values from one record and keeps the first error, so
// the row is read straight through and checked once.
type rowParser struct {
	rec  []string
	idx  map[string]int
	line int
	err  error
}

func (p *rowParser) str(col string) string { return strings.TrimSpace(p.rec[p.idx[col]]) }

func (p *rowParser) fail(col, val, want string) {
	if p.err == nil {
		p.err = fmt.Errorf("credential report: line %d, column %s: %q is not %s", p.line, col, val, want)
	}
}

// noValue reports the placeholders AWS writes where a value does not apply:
// "N/A" (no such credential), "no_information" (never used, or used before
// IAM tracked it) and "not_supported" (the root user's password columns).
func noValue(v string) bool {
	switch v {
	case "", "N/A", "no_information", "not_supported":
		return true
	}
	return false
}

func (p *rowParser) bool(col string) bool {
	v := p.str(col)
	switch {
	case strings.EqualFold(v, "true"):
		return true
	case strings.EqualFold(v, "false"), noValue(v):
		return false
	}
	p.fail(col, v, "true or false")
	return false
}

func (p *rowParser) time(col string) *time.Time {
	v := p.str(col)
	if noValue(v) {
		return nil
	}
	// RFC 3339 covers both "+00:00" (what AWS writes) and "Z".
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		p.fail(col, v, "an ISO-8601 timestamp")
		return nil
	}
	// UTC, so equal instants are equal values whatever offset AWS wrote.
	t = t.UTC()
	return &t
}
