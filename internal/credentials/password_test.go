package credentials

import (
	"strings"
	"testing"
)

func TestPasswordMeetsEveryPolicy(t *testing.T) {
	seen := map[string]bool{}
	for _, min := range []int{6, 14, 20, 64, 128} {
		for i := 0; i < 50; i++ {
			p, err := Password(min)
			if err != nil {
				t.Fatal(err)
			}
			if len(p) < min || len(p) < MinLength {
				t.Fatalf("password of length %d for minimum %d", len(p), min)
			}
			for name, class := range map[string]string{"lower": lower, "upper": upper, "digit": digits, "symbol": symbols} {
				if !strings.ContainsAny(p, class) {
					t.Fatalf("password lacks a %s character", name)
				}
			}
			if seen[p] {
				t.Fatal("the same password was generated twice")
			}
			seen[p] = true
		}
	}
}

func BenchmarkPassword(b *testing.B) {
	for b.Loop() {
		if _, err := Password(14); err != nil {
			b.Fatal(err)
		}
	}
}
