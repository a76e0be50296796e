package plan

import (
	"reflect"
	"testing"
	"time"
)

func TestAccessKeysPlan(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	fresh := AccessKey{ID: "AKIAFRESH", Created: now.Add(-day), Active: true}
	old := AccessKey{ID: "AKIAOLD", Created: now.Add(-100 * day), Active: true}
	stray := AccessKey{ID: "AKIASTRAY", Created: now, Active: true}
	inactive := AccessKey{ID: "AKIAOFF", Created: now.Add(-day), Active: false}
	cases := []struct {
		name    string
		enabled bool
		held    string
		keys    []AccessKey
		want    KeyPlan
	}{
		{"first key", true, "", nil, KeyPlan{Create: true, Reason: "no access key in the Secret"}},
		{"steady", true, "AKIAFRESH", []AccessKey{fresh}, KeyPlan{}},
		{"rotate at max age", true, "AKIAOLD", []AccessKey{old}, KeyPlan{Create: true, DeleteAfter: []string{"AKIAOLD"}, Reason: "rotating: the key is older than maxAge 2160h0m0s"}},
		{"stray key from a failed Secret write", true, "AKIAFRESH", []AccessKey{fresh, stray}, KeyPlan{DeleteFirst: []string{"AKIASTRAY"}}},
		{"stray and rotation: room first", true, "AKIAOLD", []AccessKey{old, stray}, KeyPlan{DeleteFirst: []string{"AKIASTRAY"}, Create: true, DeleteAfter: []string{"AKIAOLD"}, Reason: "rotating: the key is older than maxAge 2160h0m0s"}},
		{"Secret lost", true, "", []AccessKey{fresh}, KeyPlan{DeleteFirst: []string{"AKIAFRESH"}, Create: true, Reason: "no access key in the Secret"}},
		{"held key deactivated by hand", true, "AKIAOFF", []AccessKey{inactive}, KeyPlan{DeleteFirst: []string{"AKIAOFF"}, Create: true, Reason: "no access key in the Secret"}},
		{"disabled removes all", false, "AKIAFRESH", []AccessKey{fresh, stray}, KeyPlan{DeleteFirst: []string{"AKIAFRESH", "AKIASTRAY"}}},
		{"disabled and none", false, "", nil, KeyPlan{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := AccessKeys(tc.enabled, 90*day, now, tc.held, tc.keys)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("plan = %+v, want %+v", got, tc.want)
			}
			// Never more than one key once the plan is carried out.
			after := len(tc.keys) - len(got.DeleteFirst) - len(got.DeleteAfter)
			if got.Create {
				after++
			}
			if after > 1 {
				t.Fatalf("the plan leaves %d keys", after)
			}
		})
	}
}
