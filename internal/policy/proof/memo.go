package proof

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
)

// Fingerprint digests what decides a promise (documents, group sets, drift):
// a proof is asked again only when it changes, so a steady state makes no
// simulation call at all.
func Fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Memo remembers, per object, the fingerprint last proven and the verdict it
// gave. It lives in the operator's memory on purpose: after a restart (perhaps
// a new release with a new catalogue) every promise is proven once more.
//
// The verdict is kept, not just the fingerprint, because a reconcile that skips
// the proof must still write it: a status patch made from a stale cached copy
// (the write of the reconcile before not yet seen) carries the old condition,
// and without the verdict the proven one would be lost until the fingerprint
// changed.
type Memo struct {
	mu sync.Mutex
	m  map[string]memoEntry
}

// Verdict is what a proof reported: a condition's status, reason and message.
type Verdict struct {
	Status, Reason, Message string
}

type memoEntry struct {
	fingerprint string
	verdict     Verdict
}

// Recall returns the verdict key was given with this fingerprint, if any.
func (m *Memo) Recall(key, fingerprint string) (Verdict, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[key]
	if !ok || e.fingerprint != fingerprint {
		return Verdict{}, false
	}
	return e.verdict, true
}

// Remember records the verdict key was given with fingerprint (proven, found
// broken, or nothing to prove).
func (m *Memo) Remember(key, fingerprint string, v Verdict) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]memoEntry{}
	}
	m.m[key] = memoEntry{fingerprint: fingerprint, verdict: v}
}

// Forget drops key (the object is gone).
func (m *Memo) Forget(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
}
