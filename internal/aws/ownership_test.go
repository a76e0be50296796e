package aws

import (
	"errors"
	"testing"

	"github.com/aws/smithy-go"
)

func TestCheckOwnership(t *testing.T) {
	me := Owner("TeamMember", "ns", "alice")
	other := Owner("TeamMember", "ns", "bob")
	cases := []struct {
		name  string
		tags  map[string]string
		adopt bool
		want  any
	}{
		{"ours", OwnershipTags(me), false, nil},
		{"unmanaged", map[string]string{"team": "x"}, false, &NotManagedError{}},
		{"unmanaged adopted", nil, true, nil},
		{"another owner", OwnershipTags(other), false, &OwnedByOtherError{}},
		{"another owner even with adopt", OwnershipTags(other), true, &OwnedByOtherError{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckOwnership("IAM user alice", tc.tags, me, tc.adopt)
			switch tc.want.(type) {
			case nil:
				if err != nil {
					t.Fatal(err)
				}
			case *NotManagedError:
				var e *NotManagedError
				if !errors.As(err, &e) {
					t.Fatalf("got %v", err)
				}
			case *OwnedByOtherError:
				var e *OwnedByOtherError
				if !errors.As(err, &e) || e.Owner != other {
					t.Fatalf("got %v, want the owner named", err)
				}
			}
		})
	}
}

func TestErrorClasses(t *testing.T) {
	mk := func(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }
	if !IsNotFound(mk("NoSuchEntity", "")) || !IsNotFound(mk("NotFoundException", "")) {
		t.Error("not found")
	}
	if !IsThrottled(mk("Throttling", "")) || IsTerminal(mk("Throttling", "")) {
		t.Error("throttling must be retried, not terminal")
	}
	if !IsInvalidPrincipal(mk("MalformedPolicyDocument", "Invalid principal in policy: \"AWS\":\"arn:aws:iam::1:user/x\"")) {
		t.Error("invalid principal")
	}
	if IsTerminal(mk("MalformedPolicyDocument", "Invalid principal in policy")) {
		t.Error("an invalid principal is IAM eventual consistency, not a bad spec")
	}
	if !IsTerminal(mk("MalformedPolicyDocument", "Syntax errors in policy")) || !IsTerminal(mk("LimitExceeded", "")) {
		t.Error("terminal")
	}
	if Code(errors.New("x")) != "" {
		t.Error("a plain error has no code")
	}
}
