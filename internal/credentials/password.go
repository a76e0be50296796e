// Package credentials makes initial console passwords and lays out the Secrets that
// deliver credentials to people. Nothing here logs or formats a secret value.
package credentials

import (
	"crypto/rand"
	"math/big"
)

// Character classes of an IAM password policy. Symbols are the ones IAM accepts:
// ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '
const (
	lower   = "abcdefghijkmnopqrstuvwxyz" // no l: easy to misread when typed by hand
	upper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"  // no I, O
	digits  = "23456789"                  // no 0, 1
	symbols = "!@#$%^&*()_+-=[]{}|'"
)

// MinLength is the shortest password generated, whatever the policy allows: the
// password is only typed once, at first sign-in, so length costs nothing.
const MinLength = 20

// Password returns a random password of at least minLength (and at least MinLength)
// characters with every character class, so it satisfies any IAM password policy.
func Password(minLength int) (string, error) {
	n := max(minLength, MinLength)
	all := lower + upper + digits + symbols
	out := make([]byte, 0, n)
	for _, class := range []string{lower, upper, digits, symbols} {
		c, err := pick(class)
		if err != nil {
			return "", err
		}
		out = append(out, c)
	}
	for len(out) < n {
		c, err := pick(all)
		if err != nil {
			return "", err
		}
		out = append(out, c)
	}
	// Shuffle so the guaranteed classes are not always first.
	for i := len(out) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		out[i], out[j.Int64()] = out[j.Int64()], out[i]
	}
	return string(out), nil
}

func pick(set string) (byte, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
	if err != nil {
		return 0, err
	}
	return set[i.Int64()], nil
}
