package cis

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustParse(t testing.TB, s string) []ReportRow {
	t.Helper()
	rows, err := ParseCredentialReport([]byte(s))
	if err != nil {
		t.Fatalf("ParseCredentialReport: %v", err)
	}
	return rows
}

func TestParseCredentialReport(t *testing.T) {
	rows := mustParse(t, fixtureCSV)
	if len(rows) != 13 {
		t.Fatalf("got %d rows, want 13", len(rows))
	}
	ts := func(n int) *time.Time { v := now.Add(-time.Duration(n) * day); return &v }

	root := rows[0]
	wantRoot := ReportRow{
		User: "<root_account>", ARN: "arn:aws:iam::111111111111:root", Root: true,
		UserCreated: *ts(900),
		// not_supported / no_information: no password, no times.
		Keys: [2]KeyInfo{{Active: true, LastRotated: ts(800), LastUsed: ts(300)}},
	}
	if !reflect.DeepEqual(root, wantRoot) {
		t.Errorf("root row:\n got %+v\nwant %+v", root, wantRoot)
	}

	byUser := map[string]ReportRow{}
	for _, r := range rows {
		byUser[r.User] = r
	}
	tests := []struct {
		user string
		want ReportRow
	}{
		{"alice", ReportRow{User: "alice", ARN: "arn:aws:iam::111111111111:user/alice", UserCreated: *ts(400),
			PasswordEnabled: true, PasswordLastUsed: ts(2), PasswordLastChanged: ts(30), MFAActive: true}},
		{"grace", ReportRow{User: "grace", ARN: "arn:aws:iam::111111111111:user/grace", UserCreated: *ts(200),
			PasswordEnabled: true, PasswordLastChanged: ts(50), MFAActive: true}},
		{"dave", ReportRow{User: "dave", ARN: "arn:aws:iam::111111111111:user/dave", UserCreated: *ts(500),
			Keys: [2]KeyInfo{{LastRotated: ts(400)}, {LastRotated: ts(300), LastUsed: ts(299)}}}},
		{"ivan", ReportRow{User: "ivan", ARN: "arn:aws:iam::111111111111:user/ivan", UserCreated: *ts(100),
			Keys: [2]KeyInfo{{Active: true, LastRotated: ts(100)}}}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			if got := byUser[tt.user]; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// reorder rewrites a report with its columns in reverse order and an extra
// column AWS might add one day, in the middle.
func reorder(t *testing.T, report string) string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(report)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for i, rec := range recs {
		out := slices.Clone(rec)
		slices.Reverse(out)
		extra := "some value, quoted"
		if i == 0 {
			extra = "future_column"
		}
		out = slices.Insert(out, 5, extra)
		if err := w.Write(out); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return buf.String()
}

func TestParseColumnsByName(t *testing.T) {
	want := mustParse(t, fixtureCSV)
	got := mustParse(t, reorder(t, fixtureCSV))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reordered report parses differently:\n got %+v\nwant %+v", got, want)
	}
}

// dropColumn removes the named column from every row.
func dropColumn(t *testing.T, report string, names ...string) string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(report)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, rec := range recs {
		var out []string
		for i, v := range rec {
			if !slices.Contains(names, recs[0][i]) {
				out = append(out, v)
			}
		}
		_ = w.Write(out)
	}
	w.Flush()
	return buf.String()
}

func TestParseOptionalColumns(t *testing.T) {
	// Certificates, regions, services and password_next_rotation are not needed.
	report := dropColumn(t, fixtureCSV, "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
		"password_next_rotation", "access_key_1_last_used_region", "access_key_2_last_used_service")
	if got, want := mustParse(t, report), mustParse(t, fixtureCSV); !reflect.DeepEqual(got, want) {
		t.Error("dropping optional columns changed the parse")
	}
}

func TestParseVariants(t *testing.T) {
	tests := []struct {
		name   string
		report string
		check  func(t *testing.T, rows []ReportRow)
	}{
		{"header only", fixtureHeader + "\n", func(t *testing.T, rows []ReportRow) {
			if len(rows) != 0 {
				t.Errorf("got %d rows", len(rows))
			}
		}},
		{"byte order mark", "\ufeff" + fixtureCSV, func(t *testing.T, rows []ReportRow) {
			if len(rows) != 13 || !rows[0].Root {
				t.Errorf("got %d rows, root %v", len(rows), rows[0].Root)
			}
		}},
		{"Z timestamps and upper-case booleans", fixtureHeader + "\n" +
			"zed,arn:aws:iam::1:user/zed,2026-01-02T03:04:05Z,TRUE,2026-10-01T00:00:00Z,N/A,N/A,False," + noKey + "," + noKey + "," + noCerts + "\n",
			func(t *testing.T, rows []ReportRow) {
				r := rows[0]
				if !r.UserCreated.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) || !r.PasswordEnabled || r.MFAActive ||
					r.PasswordLastUsed == nil || r.PasswordLastChanged != nil {
					t.Errorf("got %+v", r)
				}
			}},
		{"CRLF line ends", strings.ReplaceAll(fixtureCSV, "\n", "\r\n"), func(t *testing.T, rows []ReportRow) {
			if len(rows) != 13 {
				t.Errorf("got %d rows", len(rows))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ParseCredentialReport([]byte(tt.report))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, rows)
		})
	}
}

func TestParseErrors(t *testing.T) {
	row := func(fields ...string) string {
		base := []string{"zed", "arn:aws:iam::1:user/zed", daysAgo(1), "true", "N/A", "N/A", "N/A", "false", noKey, noKey, noCerts}
		copy(base, fields)
		return fixtureHeader + "\n" + strings.Join(base, ",") + "\n"
	}
	tests := []struct {
		name    string
		report  string
		missing bool
		want    []string // substrings of the error
	}{
		{"empty", "", false, []string{"empty"}},
		{"missing column", dropColumn(t, fixtureCSV, "mfa_active"), true, []string{"mfa_active"}},
		{"missing columns", dropColumn(t, fixtureCSV, "access_key_2_active", "user"), true, []string{"user, ", "access_key_2_active"}},
		{"bad boolean", row("zed", "arn", daysAgo(1), "yes"), false, []string{"line 2", "password_enabled", `"yes"`}},
		{"bad timestamp", row("zed", "arn", "01/02/2026"), false, []string{"line 2", "user_creation_time", "01/02/2026"}},
		{"ragged row", fixtureHeader + "\nzed,arn\n", false, []string{"line 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ParseCredentialReport([]byte(tt.report))
			if err == nil {
				t.Fatalf("no error; rows %+v", rows)
			}
			if errors.Is(err, ErrMissingColumn) != tt.missing {
				t.Errorf("errors.Is(ErrMissingColumn) = %v, want %v", !tt.missing, tt.missing)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
