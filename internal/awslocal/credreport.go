package awslocal

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"
)

// credentialReport is a generated snapshot; like AWS, it does not follow
// later changes until it is generated again.
type credentialReport struct {
	generated time.Time
	csv       []byte
}

// credentialReportColumns is AWS's exact column order.
var credentialReportColumns = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used",
	"password_last_changed", "password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
	"access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

const (
	notApplicable  = "N/A"
	noInformation  = "no_information"
	notSupported   = "not_supported"
	reportLifetime = 4 * time.Hour
)

func reportTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

func (a *account) buildCredentialReport(now time.Time) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(credentialReportColumns)
	rootKey1 := []string{strconv.FormatBool(a.rootKeys), notApplicable, notApplicable, notApplicable, notApplicable}
	if a.rootKeys {
		rootKey1[1] = reportTime(a.created)
	}
	root := []string{"<root_account>", "arn:aws:iam::" + a.id + ":root", reportTime(a.created),
		notSupported, noInformation, notSupported, notSupported, strconv.FormatBool(a.rootMFA)}
	root = append(root, rootKey1...)
	root = append(root, "false", notApplicable, notApplicable, notApplicable, notApplicable)
	root = append(root, "false", notApplicable, "false", notApplicable)
	_ = w.Write(root)

	for _, u := range sortedValues(a.users) {
		row := []string{u.name, a.userARN(u), reportTime(u.created), strconv.FormatBool(u.login != nil)}
		switch {
		case !u.passwordLastUsed.IsZero():
			row = append(row, reportTime(u.passwordLastUsed))
		case u.login == nil:
			row = append(row, notApplicable)
		default:
			row = append(row, noInformation)
		}
		if u.login != nil {
			row = append(row, reportTime(u.login.changed))
			if pp := a.passwordPolicy; pp != nil && pp.MaxPasswordAge > 0 {
				row = append(row, reportTime(u.login.changed.AddDate(0, 0, pp.MaxPasswordAge)))
			} else {
				row = append(row, notApplicable)
			}
		} else {
			row = append(row, notApplicable, notApplicable)
		}
		row = append(row, strconv.FormatBool(len(u.mfa) > 0))
		for i := 0; i < 2; i++ {
			if i >= len(u.keys) {
				row = append(row, "false", notApplicable, notApplicable, notApplicable, notApplicable)
				continue
			}
			k := u.keys[i]
			row = append(row, strconv.FormatBool(k.status == "Active"), reportTime(k.created))
			if k.lastUsed.IsZero() {
				row = append(row, notApplicable, notApplicable, notApplicable)
			} else {
				row = append(row, reportTime(k.lastUsed), k.lastRegion, k.lastService)
			}
		}
		row = append(row, "false", notApplicable, "false", notApplicable)
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

type generateReportResult struct {
	State       string
	Description string
}

// generateCredentialReport answers STARTED when no fresh report exists and
// COMPLETE otherwise. The emulator builds the report at once either way (and
// rebuilds it on every call, so tests see their latest changes).
func generateCredentialReport(c *call) (any, error) {
	a := c.acct
	fresh := a.report != nil && c.now.Sub(a.report.generated) < reportLifetime
	a.report = &credentialReport{generated: c.now, csv: a.buildCredentialReport(c.now)}
	if fresh {
		return generateReportResult{State: "COMPLETE"}, nil
	}
	return generateReportResult{State: "STARTED", Description: "No report exists. Starting a new report generation task"}, nil
}

type credentialReportResult struct {
	Content       string // base64, as Query blobs are
	ReportFormat  string
	GeneratedTime string
}

func getCredentialReport(c *call) (any, error) {
	r := c.acct.report
	if r == nil {
		return nil, newErr(http.StatusGone, "ReportNotPresent",
			"Credential report does not exist. Use GenerateCredentialReport to generate a report.")
	}
	if c.now.Sub(r.generated) >= reportLifetime {
		return nil, newErr(http.StatusGone, "ReportExpired",
			"Credential report has expired. Use GenerateCredentialReport to generate a new report.")
	}
	return credentialReportResult{Content: base64.StdEncoding.EncodeToString(r.csv), ReportFormat: "text/csv", GeneratedTime: awsTime(r.generated)}, nil
}
