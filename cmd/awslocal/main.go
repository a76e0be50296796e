// Command awslocal serves the in-memory AWS (IAM, STS, Budgets) over HTTP for
// the operator's tests, the demo, and anyone without an AWS account.
//
//	awslocal --listen 127.0.0.1:4566 --account-id 123456789012
//
// Extra accounts: --account 210987654321:AKIAEXAMPLE2:secret2 (repeatable).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/iam-baseline/operator/internal/awslocal"
)

// accountList collects repeated --account id:key:secret flags.
type accountList []string

func (a *accountList) String() string     { return strings.Join(*a, ",") }
func (a *accountList) Set(v string) error { *a = append(*a, v); return nil }

// accountIDs is a repeatable flag of 12-digit account IDs.
type accountIDs []string

func (a *accountIDs) String() string { return strings.Join(*a, ",") }
func (a *accountIDs) Set(v string) error {
	if len(v) != 12 || strings.Trim(v, "0123456789") != "" {
		return fmt.Errorf("%q is not a 12-digit account ID", v)
	}
	*a = append(*a, v)
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "awslocal:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("awslocal", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:4566", "address to listen on (use 127.0.0.1:0 for a free port)")
	accountID := fs.String("account-id", "123456789012", "default account ID")
	accessKey := fs.String("access-key-id", "test", "access key ID of the default account's admin")
	secretKey := fs.String("secret-access-key", "test", "secret access key of the default account's admin")
	region := fs.String("region", "us-east-1", "region")
	throttle := fs.Float64("throttle-rate", 0, "fraction of calls answered with Throttling (0..1)")
	failure := fs.Float64("failure-rate", 0, "fraction of calls answered with ServiceFailure (0..1)")
	latency := fs.Duration("latency", 0, "latency added to every call, e.g. 20ms")
	propagation := fs.Duration("principal-propagation", 0, "how long a new user or role is an invalid principal in trust policies (IAM's eventual consistency), e.g. 5s")
	mutRate := fs.Float64("mutating-rate", 0, "mutating calls allowed per second, account and service before Throttling (0: no limit)")
	mutBurst := fs.Int("mutating-burst", 0, "burst of mutating calls (default: the rate)")
	readRate := fs.Float64("read-rate", 0, "read calls allowed per second, account and service before Throttling (0: no limit)")
	readBurst := fs.Int("read-burst", 0, "burst of read calls (default: the rate)")
	seed := fs.Int64("seed", 1, "seed for fault injection, so a run can be repeated")
	var authorize accountIDs
	fs.Var(&authorize, "authorize", "account ID whose IAM users and role sessions are authorised by their own policies (repeatable; see PUT /_awslocal/authorization)")
	var extra accountList
	fs.Var(&extra, "account", "extra account as id:accessKeyID:secretAccessKey (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *throttle < 0 || *failure < 0 || *throttle+*failure > 1 {
		return fmt.Errorf("throttle-rate and failure-rate must be >= 0 and sum to at most 1")
	}
	if *mutRate < 0 || *readRate < 0 || *mutBurst < 0 || *readBurst < 0 {
		return fmt.Errorf("rates and bursts must be >= 0")
	}

	srv := awslocal.New(awslocal.Options{
		AccountID: *accountID, AccessKeyID: *accessKey, SecretAccessKey: *secretKey, Region: *region,
		Faults: awslocal.Faults{Seed: *seed, ThrottleRate: *throttle, FailureRate: *failure, Latency: *latency, PrincipalPropagation: *propagation,
			RateLimits: awslocal.RateLimits{MutatingRate: *mutRate, MutatingBurst: *mutBurst, ReadRate: *readRate, ReadBurst: *readBurst}},
	})
	for _, a := range extra {
		parts := strings.SplitN(a, ":", 3)
		if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
			return fmt.Errorf("--account %q: want id:accessKeyID:secretAccessKey", a)
		}
		srv.AddAccount(parts[0], parts[1], parts[2])
	}
	for _, id := range authorize {
		srv.RequireAuthorization(id, true)
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	url, err := srv.Start(*listen)
	if err != nil {
		return err
	}
	fmt.Printf("awslocal listening on %s\n", url)
	<-sigs
	start := time.Now()
	if err := srv.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "awslocal stopped after %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
