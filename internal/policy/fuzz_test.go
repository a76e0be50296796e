package policy

import (
	"net/url"
	"testing"
)

// FuzzParseCanonical: whatever Parse accepts, Marshal must write in a form
// that parses back to an Equal document, and canonicalisation must be
// idempotent. This is the property the "no write when unchanged" promise
// rests on.
func FuzzParseCanonical(f *testing.F) {
	f.Add(base)
	f.Add(url.QueryEscape(base))
	f.Add(mfaGolden)
	f.Add(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"Bool":{"k":[true,1,"x"]}}}}`)
	f.Add(`{"Version":"2012-10-17","Id":"x","Statement":[{"Principal":{"AWS":[],"Service":"a"},"NotResource":[]}]}`)
	f.Add(`{"Statement":[{"Resource":"a<b>&c\u2028"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Parse(in)
		if err != nil {
			return
		}
		s, err := Marshal(d)
		if err != nil {
			return // e.g. nothing parseable yields this today, but stay honest
		}
		d2, err := Parse(s)
		if err != nil {
			t.Fatalf("Marshal output does not parse: %v\n%s", err, s)
		}
		eq, err := EqualDocuments(d, d2)
		if err != nil || !eq {
			t.Fatalf("round trip changed the document (%v):\n%s\n%s", err, d.CanonicalJSON(), d2.CanonicalJSON())
		}
		c := d.CanonicalJSON()
		if again := Canonical(Canonical(d)).CanonicalJSON(); again != c {
			t.Fatalf("Canonical not idempotent:\n%s\n%s", c, again)
		}
		if s2, _ := Marshal(d2); s2 != s {
			t.Fatalf("Marshal not stable across a round trip:\n%s\n%s", s, s2)
		}
	})
}
