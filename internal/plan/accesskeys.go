package plan

import "time"

// AccessKey is an access key as IAM lists it.
type AccessKey struct {
	ID      string
	Created time.Time
	Active  bool
}

// DefaultRotationGracePeriod is how long the key a rotation replaced stays active
// when spec.accessKeys.rotationGracePeriod is not set: long enough for every pod to
// pick up the new key from the Secret (kubelet refreshes mounted Secrets within about
// a minute; a Deployment rolled by a reloader takes minutes), short enough that two
// working keys do not live for long.
const DefaultRotationGracePeriod = 24 * time.Hour

// KeyPlan is what to do with a user's access keys. Steps run in this order:
// Delete (keys nobody holds, and a retired key, so there is room), Deactivate (the
// previous key whose grace is over), then Create (and write the Secret).
//
// Everything is derived from AWS and the Secret, never from memory, so a pass that
// stops after any step is finished by the next one: the key in the Secret is the
// current key; a key created before it is the previous key, retiring; a key created
// after it was never delivered (a pass whose Secret write failed, or a person) and is
// deleted before anything is created, so a user never holds more than two keys.
type KeyPlan struct {
	Delete     []string
	Deactivate string
	Create     bool
	// Reason explains a Create, for events ("rotating: ...").
	Reason string
	// Previous is the retiring key that remains after this plan (nil for none), and
	// PreviousUntil when its next step is due: deactivation while it is active,
	// deletion once inactive.
	Previous      *AccessKey
	PreviousUntil time.Time
}

// AccessKeys plans a user's keys. Rotation creates the new key and writes it to the
// Secret; the previous key stays active for grace after that (the new key's creation
// time), is then deactivated, and is deleted one more grace later, so a consumer that
// never picked up the new key fails loudly while its key can still be reactivated by
// hand.
func AccessKeys(enabled bool, maxAge, grace time.Duration, now time.Time, secretKeyID string, keys []AccessKey) KeyPlan {
	var p KeyPlan
	if grace <= 0 {
		grace = DefaultRotationGracePeriod
	}
	var held *AccessKey
	for i := range keys {
		if enabled && keys[i].ID == secretKeyID && keys[i].Active {
			held = &keys[i]
		}
	}
	var previous *AccessKey
	for i := range keys {
		k := &keys[i]
		switch {
		case k == held:
		case held != nil && k.Created.Before(held.Created) && previous == nil:
			previous = k
		default:
			p.Delete = append(p.Delete, k.ID)
		}
	}
	if !enabled {
		return p
	}
	if held == nil {
		p.Create, p.Reason = true, "no access key in the Secret"
		return p
	}
	if maxAge > 0 && !now.Before(held.Created.Add(maxAge)) {
		// Rotation is due. A previous key still around (maxAge shorter than two grace
		// periods) makes room first: IAM allows two keys.
		if previous != nil {
			p.Delete = append(p.Delete, previous.ID)
		}
		p.Create, p.Reason = true, "rotating: the key is older than maxAge "+maxAge.String()
		return p
	}
	if previous == nil {
		return p
	}
	deactivateAt, deleteAt := held.Created.Add(grace), held.Created.Add(2*grace)
	switch {
	case now.Before(deactivateAt):
		p.Previous, p.PreviousUntil = previous, deactivateAt
		if !previous.Active {
			// Deactivated by a person before its time: it stays off and goes at deleteAt.
			p.PreviousUntil = deleteAt
		}
	case now.Before(deleteAt):
		p.Previous, p.PreviousUntil = previous, deleteAt
		if previous.Active {
			p.Deactivate = previous.ID
		}
	default:
		p.Delete = append(p.Delete, previous.ID)
	}
	if p.Previous != nil {
		cp := *p.Previous
		if p.Deactivate != "" {
			cp.Active = false
		}
		p.Previous = &cp
	}
	return p
}

// Empty reports whether the plan changes nothing.
func (p KeyPlan) Empty() bool {
	return len(p.Delete) == 0 && p.Deactivate == "" && !p.Create
}
