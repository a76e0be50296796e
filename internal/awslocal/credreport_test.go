package awslocal

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestCredentialReport(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	wantError(t, err, "ReportNotPresent", 410)

	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("kate")})
	must(t, err)
	_, err = e.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("kate"), Password: aws.String("Sup3r-Secret!")})
	must(t, err)
	k, err := e.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("kate")})
	must(t, err)
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	e.srv.SetAccessKeyCreateDate(testAccount, "kate", *k.AccessKey.AccessKeyId, old)
	e.srv.SetAccessKeyLastUsed(testAccount, *k.AccessKey.AccessKeyId, old.Add(time.Hour), "s3", "eu-west-1")
	e.srv.SetPasswordLastUsed(testAccount, "kate", old.Add(2*time.Hour))
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("leo")})
	must(t, err)
	e.srv.SetRootAccountState(testAccount, true, false)

	gen, err := e.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	must(t, err)
	if gen.State != types.ReportStateTypeStarted {
		t.Fatalf("first state = %s", gen.State)
	}
	gen, err = e.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	must(t, err)
	if gen.State != types.ReportStateTypeComplete {
		t.Fatalf("second state = %s", gen.State)
	}
	rep, err := e.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	must(t, err)
	if rep.ReportFormat != types.ReportFormatTypeTextCsv || rep.GeneratedTime == nil {
		t.Fatalf("report meta = %s %v", rep.ReportFormat, rep.GeneratedTime)
	}
	rows, err := csv.NewReader(strings.NewReader(string(rep.Content))).ReadAll()
	must(t, err)
	if strings.Join(rows[0], ",") != strings.Join(credentialReportColumns, ",") || len(rows[0]) != 22 {
		t.Fatalf("header = %v", rows[0])
	}
	if len(rows) != 4 {
		t.Fatalf("rows = %d", len(rows))
	}
	col := func(row []string, name string) string {
		for i, c := range credentialReportColumns {
			if c == name {
				return row[i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	root, kate, leo := rows[1], rows[2], rows[3]
	if root[0] != "<root_account>" || col(root, "password_enabled") != "not_supported" || col(root, "mfa_active") != "true" || col(root, "access_key_1_active") != "false" {
		t.Fatalf("root row = %v", root)
	}
	for name, want := range map[string]string{
		"user": "kate", "password_enabled": "true", "password_last_used": "2020-01-02T05:04:05+00:00",
		"mfa_active": "false", "access_key_1_active": "true", "access_key_1_last_rotated": "2020-01-02T03:04:05+00:00",
		"access_key_1_last_used_date": "2020-01-02T04:04:05+00:00", "access_key_1_last_used_region": "eu-west-1",
		"access_key_1_last_used_service": "s3", "access_key_2_active": "false", "access_key_2_last_rotated": "N/A",
		"password_next_rotation": "N/A", "cert_1_active": "false", "cert_2_last_rotated": "N/A",
	} {
		if got := col(kate, name); got != want {
			t.Errorf("kate %s = %q, want %q", name, got, want)
		}
	}
	if col(leo, "password_enabled") != "false" || col(leo, "password_last_used") != "N/A" || col(leo, "password_last_changed") != "N/A" {
		t.Errorf("leo row = %v", leo)
	}
}
