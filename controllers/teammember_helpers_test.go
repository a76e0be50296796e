package controllers_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
)

// The members' baseline: one AccountBaseline for the main account, shared by the
// TeamMember tests, with MFA enforcement and two permission groups.
const (
	membersBaseline = "members"
	mfaGroupName    = "iam-baseline-mfa-required"
)

var membersBaselineOnce sync.Once

func ensureMembersBaseline(t testing.TB) {
	t.Helper()
	membersBaselineOnce.Do(func() {
		baseline(t, membersBaseline, func(ab *iamv1.AccountBaseline) {
			ab.Spec.Alias = "acme-members"
			ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "developers"}, {Name: "operators"}}
		})
	})
	waitForGroups(t, mfaGroupName, "developers", "operators")
}

// waitForGroups waits until the AccountBaseline controller has made the groups.
func waitForGroups(t testing.TB, names ...string) {
	t.Helper()
	c := iamClient(t)
	eventually(t, 60*time.Second, func() error {
		for _, n := range names {
			if _, err := c.GetGroup(context.Background(), &iam.GetGroupInput{GroupName: awssdk.String(n)}); err != nil {
				return err
			}
		}
		return nil
	})
}

func member(ns, name string, mutate func(*iamv1.TeamMember)) *iamv1.TeamMember {
	tm := &iamv1.TeamMember{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       iamv1.TeamMemberSpec{AccountRef: membersBaseline},
	}
	if mutate != nil {
		mutate(tm)
	}
	return tm
}

func createMember(t testing.TB, tm *iamv1.TeamMember) *iamv1.TeamMember {
	t.Helper()
	if err := k8s.Create(context.Background(), tm); err != nil {
		t.Fatal(err)
	}
	return tm
}

func tmConds(tm *iamv1.TeamMember) func() []metav1.Condition {
	return func() []metav1.Condition { return tm.Status.Conditions }
}

func waitMemberReady(t testing.TB, tm *iamv1.TeamMember) {
	t.Helper()
	waitCondition(t, tm, tmConds(tm), iamv1.ConditionReady, metav1.ConditionTrue, 60*time.Second)
}

func updateMember(t *testing.T, tm *iamv1.TeamMember, mutate func(*iamv1.TeamMember)) {
	t.Helper()
	eventually(t, 10*time.Second, func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(tm), tm); err != nil {
			return err
		}
		mutate(tm)
		return k8s.Update(context.Background(), tm)
	})
}

func deleteAndWaitGone(t testing.TB, obj client.Object) {
	t.Helper()
	if err := k8s.Delete(context.Background(), obj); client.IgnoreNotFound(err) != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)
		if err == nil {
			return fmt.Errorf("%s still exists (finalizers %v)", obj.GetName(), obj.GetFinalizers())
		}
		return client.IgnoreNotFound(err)
	})
}

func getUser(t *testing.T, name string) (*iam.GetUserOutput, error) {
	t.Helper()
	return iamClient(t).GetUser(context.Background(), &iam.GetUserInput{UserName: &name})
}

func userGroups(t *testing.T, name string) []string {
	t.Helper()
	out, err := iamClient(t).ListGroupsForUser(context.Background(), &iam.ListGroupsForUserInput{UserName: &name})
	if err != nil {
		t.Fatal(err)
	}
	var g []string
	for _, x := range out.Groups {
		g = append(g, *x.GroupName)
	}
	return g
}

func userKeys(t *testing.T, name string) []string {
	t.Helper()
	out, err := iamClient(t).ListAccessKeys(context.Background(), &iam.ListAccessKeysInput{UserName: &name})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range out.AccessKeyMetadata {
		ids = append(ids, *k.AccessKeyId)
	}
	return ids
}

func secret(t *testing.T, ns, name string) (*corev1.Secret, error) {
	t.Helper()
	s := &corev1.Secret{}
	err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, s)
	return s, err
}

// assertNoSecretLeak fails if any secret value appears in the manager's logs, the
// namespace's events, or the status of the objects.
func assertNoSecretLeak(t *testing.T, ns string, values []string, objs ...client.Object) {
	t.Helper()
	var haystack strings.Builder
	haystack.WriteString(logSink.String())
	events := &corev1.EventList{}
	if err := k8s.List(context.Background(), events, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	for _, e := range events.Items {
		haystack.WriteString(e.Message + e.Reason + e.Action)
	}
	for _, o := range objs {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(o), o); err == nil {
			b, _ := json.Marshal(o)
			haystack.Write(b)
		}
	}
	h := haystack.String()
	checked := 0
	for _, v := range values {
		if v == "" {
			continue
		}
		checked++
		if strings.Contains(h, v) {
			t.Errorf("a secret value (%d characters) appears in logs, events or status", len(v))
		}
	}
	if checked == 0 {
		t.Fatal("no secret values to check: the test is not testing anything")
	}
}

func hasOwnerTag(tags map[string]string, owner string) bool {
	return tags[awsx.TagOwner] == owner && tags[awsx.TagManagedBy] == awsx.ManagedByValue
}

var errNotYet = errors.New("not yet")
