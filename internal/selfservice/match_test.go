package selfservice

import "testing"

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		fold, want bool
	}{
		{"AWSReservedSSO_*", "AWSReservedSSO_Admin_123", false, true},
		{"AWSReservedSSO_*", "awsreservedsso_admin", true, true},
		{"AWSReservedSSO_*", "awsreservedsso_admin", false, false},
		{"/teams/*", "/teams/payments/", false, true},
		{"/", "/admins/", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"*", "", false, true},
		{"a*b*c", "aXXbYYc", false, true},
		{"a*b*c", "aXXbYY", false, false},
	}
	for _, c := range cases {
		if got := match(c.pattern, c.s, c.fold); got != c.want {
			t.Errorf("match(%q, %q, %v) = %v, want %v", c.pattern, c.s, c.fold, got, c.want)
		}
	}
}

// within must never grant a subject pattern that matches something the granting
// pattern does not: a wildcard in the subject is granted only by a *.
func TestWithin(t *testing.T) {
	cases := []struct {
		pattern, sub string
		want         bool
	}{
		{"repo:acme/*:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main", true},
		{"repo:acme/*:ref:refs/heads/main", "repo:acme/*:ref:refs/heads/main", true},
		{"repo:acme/*:ref:refs/heads/main", "repo:acme/app:*", false},
		{"repo:acme/*:ref:refs/heads/main", "repo:*", false},
		{"repo:acme/*", "repo:acme/app:ref:refs/heads/dev", true},
		{"repo:acme/*", "repo:acme*", false},
		{"repo:acme/app:?", "repo:acme/app:*", false},
		{"repo:acme/app:?", "repo:acme/app:?", true},
		{"repo:acme/app", "repo:acme/ap?", false},
		{"*", "anything*", true},
	}
	for _, c := range cases {
		if got := within(c.pattern, c.sub); got != c.want {
			t.Errorf("within(%q, %q) = %v, want %v", c.pattern, c.sub, got, c.want)
		}
	}
}

func TestAnySubject(t *testing.T) {
	for sub, want := range map[string]bool{
		"":                                   true,
		"*":                                  true,
		"repo:*":                             true,
		"repo:*/*":                           true,
		"repo:*/app:*":                       true,
		"repo:ac*/app":                       true,
		"repo:/app":                          true,
		"*:ref:refs/heads/main":              true,
		"project_path:*/x:ref_type:branch":   true,
		"repo:acme/*":                        false,
		"repo:acme/app:ref:refs/heads/main":  false,
		"system:serviceaccount:team:app":     false,
		"project_path:acme/app:ref_type:tag": false,
	} {
		if got := AnySubject(sub); got != want {
			t.Errorf("AnySubject(%q) = %v, want %v", sub, got, want)
		}
	}
}

func FuzzWithinImpliesMatch(f *testing.F) {
	f.Add("repo:acme/*:ref:*", "repo:acme/app:ref:main", "repo:acme/app:ref:main")
	f.Add("a?c", "a?c", "abc")
	f.Fuzz(func(t *testing.T, pattern, sub, s string) {
		// Whatever sub matches, pattern matches too, when pattern grants sub.
		if within(pattern, sub) && match(sub, s, false) && !match(pattern, s, false) {
			t.Fatalf("within(%q, %q) but %q matches only the subject", pattern, sub, s)
		}
	})
}
