package policy

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// realistic10 is a 10-statement identity policy with conditions, of the size
// the operator compares on every reconcile.
func realistic10() string {
	var sts []string
	for i := range 10 {
		sts = append(sts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:ListBucket","s3:DeleteObject","kms:Decrypt"],"Resource":["arn:aws:s3:::bucket-%d","arn:aws:s3:::bucket-%d/*"],"Condition":{"StringEquals":{"aws:PrincipalTag/team":["a","b"],"aws:RequestedRegion":"eu-west-1"},"Bool":{"aws:SecureTransport":"true"}}}`, i, i, i))
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
}

func BenchmarkEqual(b *testing.B) {
	a := realistic10()
	// What AWS would return: URL-encoded, statements in another order.
	d, _ := Parse(a)
	for i, j := 0, len(d.Statement)-1; i < j; i, j = i+1, j-1 {
		d.Statement[i], d.Statement[j] = d.Statement[j], d.Statement[i]
	}
	s, _ := Marshal(d)
	other := url.QueryEscape(s)
	b.ReportAllocs()
	for b.Loop() {
		eq, err := Equal(a, other)
		if err != nil || !eq {
			b.Fatal(eq, err)
		}
	}
}
