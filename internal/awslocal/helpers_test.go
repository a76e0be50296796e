package awslocal

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

const testAccount = "123456789012"

// testEnv is a running server plus SDK clients signed with the default
// (root-ish admin) credentials.
type testEnv struct {
	srv *Server
	url string
	iam *iam.Client
	sts *sts.Client
}

// startServer starts a server on a free port and closes it with the test.
func startServer(t testing.TB, opts Options) *testEnv {
	t.Helper()
	s := New(opts)
	u, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	e := &testEnv{srv: s, url: u}
	e.iam, e.sts = e.clients(t, s.opts.AccessKeyID, s.opts.SecretAccessKey, "")
	return e
}

// sdkConfig builds an SDK config the way the operator does, with static
// credentials and the server as base endpoint. maxAttempts 0 keeps the
// SDK's default retryer.
func (e *testEnv) sdkConfig(t testing.TB, key, secret, token string, maxAttempts int) aws.Config {
	t.Helper()
	optFns := []func(*config.LoadOptions) error{
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(key, secret, token)),
		config.WithBaseEndpoint(e.url),
	}
	if maxAttempts > 0 {
		optFns = append(optFns, config.WithRetryMaxAttempts(maxAttempts))
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), optFns...)
	if err != nil {
		t.Fatalf("LoadDefaultConfig: %v", err)
	}
	return cfg
}

func (e *testEnv) clients(t testing.TB, key, secret, token string) (*iam.Client, *sts.Client) {
	cfg := e.sdkConfig(t, key, secret, token, 0)
	return iam.NewFromConfig(cfg), sts.NewFromConfig(cfg)
}

var ctx = context.Background()

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func httpStatus(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// wantError fails unless err is an AWS error with code and HTTP status.
func wantError(t testing.TB, err error, code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s (%d), got success", code, status)
	}
	if got := errorCode(err); got != code {
		t.Fatalf("want error code %s, got %q (%v)", code, got, err)
	}
	if got := httpStatus(err); got != status {
		t.Fatalf("want HTTP %d for %s, got %d", status, code, got)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// decodeDoc checks a document IAM returned is URL-encoded and returns it decoded.
func decodeDoc(t testing.TB, raw string) string {
	t.Helper()
	doc, err := url.QueryUnescape(raw)
	if err != nil {
		t.Fatalf("document is not URL-encoded: %v", err)
	}
	if raw == doc {
		t.Fatalf("document was returned without URL-encoding: %q", raw)
	}
	return doc
}

const allowS3Read = `{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]
}`

func trustAccount(account string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"sts:AssumeRole"}]}`
}
