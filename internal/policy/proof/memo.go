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

// Memo remembers, per object, the fingerprint last proven. It lives in the
// operator's memory on purpose: after a restart (perhaps a new release with a
// new catalogue) every promise is proven once more.
type Memo struct {
	mu sync.Mutex
	m  map[string]string
}

// Proven reports whether key was proven with this fingerprint.
func (m *Memo) Proven(key, fingerprint string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[key] == fingerprint
}

// Remember records that key was proven (or found broken) with fingerprint.
func (m *Memo) Remember(key, fingerprint string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]string{}
	}
	m.m[key] = fingerprint
}

// Forget drops key (the object is gone).
func (m *Memo) Forget(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
}
