package awslocal

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// BenchmarkIAMMix drives a mix of IAM writes and reads over HTTP through the
// SDK, in parallel, and reports calls per second.
func BenchmarkIAMMix(b *testing.B) {
	e := startServer(b, Options{})
	_, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bench"), AssumeRolePolicyDocument: aws.String(trustAccount(testAccount))})
	must(b, err)
	var seq, calls atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			name := aws.String("bench-user-" + itoa(int(seq.Add(1))))
			_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: name})
			must(b, err)
			_, err = e.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: name, PolicyName: aws.String("p"), PolicyDocument: aws.String(allowS3Read)})
			must(b, err)
			_, err = e.iam.GetUser(ctx, &iam.GetUserInput{UserName: name})
			must(b, err)
			_, err = e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("bench")})
			must(b, err)
			_, err = e.iam.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: name})
			must(b, err)
			_, err = e.iam.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(20)})
			must(b, err)
			calls.Add(6)
		}
	})
	b.ReportMetric(float64(calls.Load())/time.Since(start).Seconds(), "calls/s")
}
