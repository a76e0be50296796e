package awslocal

import (
	"crypto/rand"
	"encoding/hex"
)

// Unique ID prefixes IAM uses.
const (
	prefixUser      = "AIDA"
	prefixGroup     = "AGPA"
	prefixRole      = "AROA"
	prefixPolicy    = "ANPA"
	prefixAccessKey = "AKIA"
	prefixTempKey   = "ASIA"
)

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// randomID returns prefix followed by n random upper-case base32 characters.
func randomID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return prefix + string(b)
}

// entityID is a 21-character unique ID such as AIDAxxxxxxxxxxxxxxxxx.
func entityID(prefix string) string { return randomID(prefix, 21-len(prefix)) }

// accessKeyID is a 20-character key ID (AKIA... or ASIA...).
func accessKeyID(prefix string) string { return randomID(prefix, 20-len(prefix)) }

const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

func secretKey() string {
	b := make([]byte, 40)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = secretAlphabet[int(b[i])%len(secretAlphabet)]
	}
	return string(b)
}

func sessionToken() string {
	b := make([]byte, 96)
	_, _ = rand.Read(b)
	return "FwoGZXIvYXdzE" + hex.EncodeToString(b)
}

func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
