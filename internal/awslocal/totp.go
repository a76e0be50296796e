package awslocal

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// MFACodes returns two consecutive TOTP codes (RFC 6238: HMAC-SHA1, 30 s
// steps, 6 digits) for a virtual MFA device's Base32StringSeed at time t, as
// a person would read them off an authenticator app for EnableMFADevice.
// Use the second one as the TokenCode for AssumeRole or GetSessionToken.
func MFACodes(base32Seed string, t time.Time) (code1, code2 string) {
	secret, err := decodeSeed(base32Seed)
	if err != nil {
		return "", ""
	}
	step := t.Unix() / 30
	return totp(secret, step-1), totp(secret, step)
}

func decodeSeed(s string) ([]byte, error) {
	return base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(s), "="))
}

func totp(secret []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	h := hmac.New(sha1.New, secret)
	h.Write(msg[:])
	sum := h.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1000000)
}

// totpStep finds the step (within a few minutes of now) whose code is code,
// or -1. A window tolerates clock skew between the client and the emulator.
func totpStep(secret []byte, code string, now time.Time) int64 {
	cur := now.Unix() / 30
	for d := int64(-10); d <= 2; d++ {
		if totp(secret, cur+d) == code {
			return cur + d
		}
	}
	return -1
}
