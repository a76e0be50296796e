package awslocal

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestCallLog(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("m")})
	must(t, err)
	before := e.srv.Calls()
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("m")})
	wantError(t, err, "EntityAlreadyExists", 409)
	_, err = e.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("m")})
	must(t, err)
	_, err = e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/none"), RoleSessionName: aws.String("xx")})
	wantError(t, err, "AccessDenied", 403)

	log := e.srv.Calls()
	since := log.Since(before)
	if len(since) != 4 {
		t.Fatalf("since = %+v", since)
	}
	want := map[string]int{
		"iam:CreateUser:ok": 1, "iam:CreateUser:EntityAlreadyExists": 1, "iam:GetUser:ok": 1,
		"sts:GetCallerIdentity:ok": 1, "sts:AssumeRole:AccessDenied": 1,
	}
	for k, n := range want {
		if log.Summary()[k] != n {
			t.Errorf("%s = %d, want %d (%v)", k, log.Summary()[k], n, log.Summary())
		}
	}
	if m := log.Mutating(); len(m) != 2 || log.Count("iam", "") != 3 || log.Count("", "AssumeRole") != 1 {
		t.Errorf("mutating %d, iam %d", len(m), log.Count("iam", ""))
	}
	if log[0].Account != testAccount || !log[0].Mutating {
		t.Errorf("first call = %+v", log[0])
	}

	// Over HTTP.
	resp, err := http.Get(e.url + "/_awslocal/calls")
	must(t, err)
	var body struct {
		Calls    []Call         `json:"calls"`
		Summary  map[string]int `json:"summary"`
		Total    int            `json:"total"`
		Mutating int            `json:"mutating"`
	}
	must(t, json.NewDecoder(resp.Body).Decode(&body))
	resp.Body.Close()
	if body.Total != 5 || len(body.Calls) != 5 || body.Mutating != 2 || body.Summary["iam:GetUser:ok"] != 1 {
		t.Fatalf("HTTP log = %+v", body)
	}

	req, _ := http.NewRequest(http.MethodDelete, e.url+"/_awslocal/calls", nil)
	resp, err = http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if n := len(e.srv.Calls()); n != 0 {
		t.Fatalf("log not cleared: %d", n)
	}
	// Clearing the log keeps state.
	_, err = e.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("m")})
	must(t, err)

	resp, err = http.Post(e.url+"/_awslocal/reset", "", nil)
	must(t, err)
	resp.Body.Close()
	_, err = e.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("m")})
	wantError(t, err, "NoSuchEntity", 404)
	if n := len(e.srv.Calls()); n != 1 {
		t.Fatalf("after reset the log holds %d calls, want 1", n)
	}
}

func TestMutatingClassification(t *testing.T) {
	for op, want := range map[string]bool{
		"CreateUser": true, "DeleteRole": true, "UpdateLoginProfile": true, "PutUserPolicy": true,
		"AttachRolePolicy": true, "DetachGroupPolicy": true, "AddUserToGroup": true, "RemoveUserFromGroup": true,
		"TagUser": true, "UntagRole": true, "EnableMFADevice": true, "DeactivateMFADevice": true,
		"SetDefaultPolicyVersion": true, "ChangePassword": true, "ResyncMFADevice": true, "UploadSSHPublicKey": true,
		"GenerateCredentialReport": false, "AssumeRole": false, "GetSessionToken": false, "GetUser": false,
		"ListUsers": false, "DescribeBudgets": false,
	} {
		if isMutating(op) != want {
			t.Errorf("isMutating(%s) = %v", op, !want)
		}
	}
}

func TestUnsignedAndUnknownRequests(t *testing.T) {
	e := startServer(t, Options{})
	resp, err := http.Post(e.url+"/", "application/x-www-form-urlencoded", nil)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("unsigned request: %d", resp.StatusCode)
	}
	if got := e.srv.Calls().Summary()["iam::MissingAuthenticationToken"]; got != 1 {
		t.Fatalf("log = %v", e.srv.Calls().Summary())
	}
}
