package plan

import "time"

// AccessKey is an access key as IAM lists it.
type AccessKey struct {
	ID      string
	Created time.Time
	Active  bool
}

// KeyPlan is what to do with a user's access keys. Steps run in this order:
// DeleteFirst (keys nobody holds, so there is room), then Create (and write the
// Secret), then DeleteAfter (the key the Secret held before).
type KeyPlan struct {
	DeleteFirst []string
	Create      bool
	DeleteAfter []string
	// Reason explains a Create, for events ("rotating: 91 days old").
	Reason string
}

// AccessKeys plans a user's keys. The Secret is the source of truth: the key it holds
// is the one in use; any other key was created by a pass whose Secret write failed
// (or by a person) and is deleted, so a user never keeps more keys than asked for.
// Rotation creates the new key and writes the Secret before the old key is deleted,
// so the Secret always holds a working key.
func AccessKeys(enabled bool, maxAge time.Duration, now time.Time, secretKeyID string, keys []AccessKey) KeyPlan {
	var p KeyPlan
	var held *AccessKey
	for i := range keys {
		if enabled && keys[i].ID == secretKeyID && keys[i].Active {
			held = &keys[i]
			continue
		}
		p.DeleteFirst = append(p.DeleteFirst, keys[i].ID)
	}
	if !enabled {
		return p
	}
	switch {
	case held == nil:
		p.Create, p.Reason = true, "no access key in the Secret"
	case maxAge > 0 && now.Sub(held.Created) >= maxAge:
		p.Create, p.Reason = true, "rotating: the key is older than maxAge "+maxAge.String()
		p.DeleteAfter = []string{held.ID}
	}
	return p
}

// Empty reports whether the plan changes nothing.
func (p KeyPlan) Empty() bool {
	return len(p.DeleteFirst) == 0 && !p.Create && len(p.DeleteAfter) == 0
}
