package plan

import (
	"reflect"
	"testing"
	"time"
)

func TestAccessKeysPlan(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	fresh := AccessKey{ID: "AKIAFRESH", Created: now.Add(-day / 2), Active: true}
	old := AccessKey{ID: "AKIAOLD", Created: now.Add(-100 * day), Active: true}
	oldOff := AccessKey{ID: "AKIAOLD", Created: now.Add(-100 * day), Active: false}
	stray := AccessKey{ID: "AKIASTRAY", Created: now, Active: true}
	inactive := AccessKey{ID: "AKIAOFF", Created: now.Add(-day), Active: false}
	rotated := func(age time.Duration) AccessKey {
		return AccessKey{ID: "AKIANEW", Created: now.Add(-age), Active: true}
	}
	rotating := "rotating: the key is older than maxAge 2160h0m0s"
	cases := []struct {
		name    string
		enabled bool
		held    string
		keys    []AccessKey
		want    KeyPlan
	}{
		{"first key", true, "", nil, KeyPlan{Create: true, Reason: "no access key in the Secret"}},
		{"steady", true, "AKIAFRESH", []AccessKey{fresh}, KeyPlan{}},
		{"rotate at max age: the old key stays", true, "AKIAOLD", []AccessKey{old}, KeyPlan{Create: true, Reason: rotating}},
		{"in grace: both active", true, "AKIANEW", []AccessKey{old, rotated(time.Hour)},
			KeyPlan{Previous: &old, PreviousUntil: now.Add(-time.Hour + day)}},
		{"grace over: deactivate", true, "AKIANEW", []AccessKey{old, rotated(day + time.Hour)},
			KeyPlan{Deactivate: "AKIAOLD", Previous: &oldOff, PreviousUntil: now.Add(-day - time.Hour + 2*day)}},
		{"deactivated: waits", true, "AKIANEW", []AccessKey{oldOff, rotated(day + 2*time.Hour)},
			KeyPlan{Previous: &oldOff, PreviousUntil: now.Add(-day - 2*time.Hour + 2*day)}},
		{"reactivated by hand after the grace: deactivated again", true, "AKIANEW", []AccessKey{old, rotated(day + 3*time.Hour)},
			KeyPlan{Deactivate: "AKIAOLD", Previous: &oldOff, PreviousUntil: now.Add(-day - 3*time.Hour + 2*day)}},
		{"deactivated early by hand: stays off", true, "AKIANEW", []AccessKey{oldOff, rotated(time.Hour)},
			KeyPlan{Previous: &oldOff, PreviousUntil: now.Add(-time.Hour + 2*day)}},
		{"two grace periods over: delete", true, "AKIANEW", []AccessKey{oldOff, rotated(2 * day)}, KeyPlan{Delete: []string{"AKIAOLD"}}},
		{"stray key from a failed Secret write", true, "AKIAFRESH", []AccessKey{fresh, stray}, KeyPlan{Delete: []string{"AKIASTRAY"}}},
		{"stray and rotation: room first", true, "AKIAOLD", []AccessKey{old, stray}, KeyPlan{Delete: []string{"AKIASTRAY"}, Create: true, Reason: rotating}},
		{"rotation due while a previous key remains: room first", true, "AKIANEW", []AccessKey{oldOff, rotated(91 * day)},
			KeyPlan{Delete: []string{"AKIAOLD"}, Create: true, Reason: rotating}},
		{"Secret lost", true, "", []AccessKey{fresh}, KeyPlan{Delete: []string{"AKIAFRESH"}, Create: true, Reason: "no access key in the Secret"}},
		{"held key deactivated by hand", true, "AKIAOFF", []AccessKey{inactive}, KeyPlan{Delete: []string{"AKIAOFF"}, Create: true, Reason: "no access key in the Secret"}},
		{"disabled removes all", false, "AKIAFRESH", []AccessKey{fresh, stray}, KeyPlan{Delete: []string{"AKIAFRESH", "AKIASTRAY"}}},
		{"disabled and none", false, "", nil, KeyPlan{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := AccessKeys(tc.enabled, 90*day, day, now, tc.held, tc.keys)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("plan = %+v, want %+v", got, tc.want)
			}
			// IAM's limit: never more than two keys at any step of the plan.
			after := len(tc.keys) - len(got.Delete)
			if got.Create {
				after++
			}
			if after > 2 {
				t.Fatalf("the plan leaves %d keys", after)
			}
		})
	}
}

// TestAccessKeysRotationLifecycle walks a key through rotations hour by hour,
// carrying out each plan, and checks IAM's two-key limit and that a working key is
// held at every moment.
func TestAccessKeysRotationLifecycle(t *testing.T) {
	day := 24 * time.Hour
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var keys []AccessKey
	held, seq := "", 0
	for now := start; now.Before(start.Add(400 * day)); now = now.Add(time.Hour) {
		p := AccessKeys(true, 30*day, 2*day, now, held, keys)
		keep := keys[:0]
		for _, k := range keys {
			del := false
			for _, id := range p.Delete {
				del = del || id == k.ID
			}
			if k.ID == p.Deactivate {
				k.Active = false
			}
			if !del {
				keep = append(keep, k)
			}
		}
		keys = keep
		if p.Create {
			seq++
			keys = append(keys, AccessKey{ID: string(rune('A' + seq%26)), Created: now, Active: true})
			held = keys[len(keys)-1].ID
		}
		if len(keys) > 2 {
			t.Fatalf("%s: %d keys", now, len(keys))
		}
		working := false
		for _, k := range keys {
			working = working || (k.ID == held && k.Active)
		}
		if !working {
			t.Fatalf("%s: the Secret's key %s does not work: %+v", now, held, keys)
		}
	}
	if seq != 14 {
		t.Fatalf("%d keys created in 400 days at maxAge 30 days, want 14", seq)
	}
}
