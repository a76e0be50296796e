package policy

import (
	"net/url"
	"strings"
	"testing"
)

// urlEncode mimics what IAM returns: query escaping, '+' for spaces.
func urlEncode(s string) string { return url.QueryEscape(s) }

const base = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/*"}]}`

func TestEqualPairs(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{"url-encoded vs raw", base, urlEncode(base)},
		{"url-encoded with spaces as plus", `{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" } ] }`,
			`%7B+%22Version%22%3A+%222012-10-17%22%2C+%22Statement%22%3A+%5B+%7B+%22Effect%22%3A+%22Allow%22%2C+%22Action%22%3A+%22s3%3AGetObject%22%2C+%22Resource%22%3A+%22*%22+%7D+%5D+%7D`},
		{"top-level key order", base, `{"Statement":[{"Resource":"arn:aws:s3:::bucket/*","Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow"}],"Version":"2012-10-17"}`},
		{"string vs one-element list (Resource)", base, strings.Replace(base, `"Resource":"arn:aws:s3:::bucket/*"`, `"Resource":["arn:aws:s3:::bucket/*"]`, 1)},
		{"action order", base, strings.Replace(base, `["s3:GetObject","s3:PutObject"]`, `["s3:PutObject","s3:GetObject"]`, 1)},
		{"action case", base, strings.Replace(base, `["s3:GetObject","s3:PutObject"]`, `["S3:getobject","s3:PUTOBJECT"]`, 1)},
		{"duplicate actions", base, strings.Replace(base, `["s3:GetObject","s3:PutObject"]`, `["s3:GetObject","s3:PutObject","s3:GetObject","S3:GetObject"]`, 1)},
		{"statement object vs list", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["*"],"Resource":["*"]}]}`},
		{"whitespace", base, "\n  {\n\t\"Version\" : \"2012-10-17\",\n \"Statement\" : [ { \"Effect\" : \"Allow\", \"Action\" : [ \"s3:GetObject\" , \"s3:PutObject\" ], \"Resource\" : \"arn:aws:s3:::bucket/*\" } ] }\n"},
		{"statement order",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"},{"Effect":"Deny","Action":"c:d","Resource":"*"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"c:d","Resource":"*"},{"Effect":"Allow","Action":"a:b","Resource":"*"}]}`},
		{"resource order", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::a","arn:aws:s3:::b"]}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::a"]}]}`},
		{"principal value order and string vs list",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::222222222222:root"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"],"AWS":["arn:aws:iam::222222222222:root","arn:aws:iam::111111111111:root"]},"Action":"sts:AssumeRole"}]}`},
		{"condition value order",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["a","b"]}}}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["b","a","b"]}}}]}`},
		{"condition bool vs string",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:ChangePassword","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":false}}}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:ChangePassword","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`},
		{"condition number vs string",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":["3600"]}}}]}`},
		{"condition operator order",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"Bool":{"aws:SecureTransport":"true"}}}]}`},
		{"empty condition is no condition", base, strings.Replace(base, `"Effect":"Allow"`, `"Effect":"Allow","Condition":{}`, 1)},
		{"duplicate statements collapse", base,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/*"},{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["arn:aws:s3:::bucket/*"]}]}`},
		{"NotAction case and order", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:ChangePassword","sts:GetSessionToken"],"Resource":"*"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["STS:GetSessionToken","IAM:changepassword"],"Resource":"*"}]}`},
		{"url-encoded percent and plus in values", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a b+c%d"}]}`,
			urlEncode(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a b+c%d"}]}`)},
		{"wildcard principal string", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}]}`,
			`{"Statement":{"Action":["sts:AssumeRole"],"Principal":"*","Effect":"Deny"},"Version":"2012-10-17"}`},
	}
	if len(tests) < 15 {
		t.Fatalf("need at least 15 equal pairs, have %d", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eq, err := Equal(tt.a, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if !eq {
				da, _ := Parse(tt.a)
				db, _ := Parse(tt.b)
				t.Errorf("want equal:\n a=%s\n b=%s", da.CanonicalJSON(), db.CanonicalJSON())
			}
			// Symmetry.
			if eq2, _ := Equal(tt.b, tt.a); eq2 != eq {
				t.Errorf("Equal is not symmetric")
			}
		})
	}
}

func TestNotEqualPairs(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{"effect differs", base, strings.Replace(base, `"Allow"`, `"Deny"`, 1)},
		{"version missing vs present", base, strings.Replace(base, `"Version":"2012-10-17",`, ``, 1)},
		{"version 2008 vs 2012", base, strings.Replace(base, `2012-10-17`, `2008-10-17`, 1)},
		{"resource case differs", base, strings.Replace(base, `bucket/*`, `Bucket/*`, 1)},
		{"condition value differs",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a"}}}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"A"}}}]}`},
		{"extra statement", base,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket/*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`},
		{"principal type differs",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"x"},"Action":"sts:AssumeRole"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"x"},"Action":"sts:AssumeRole"}]}`},
		{"NotAction vs Action", base, strings.Replace(base, `"Action"`, `"NotAction"`, 1)},
		{"NotResource vs Resource", base, strings.Replace(base, `"Resource"`, `"NotResource"`, 1)},
		{"extra action", base, strings.Replace(base, `"s3:PutObject"`, `"s3:PutObject","s3:DeleteObject"`, 1)},
		{"condition operator differs",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"k:k":"a"}}}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"k:k":"a"}}}]}`},
		{"condition vs none", base, strings.Replace(base, `"Effect":"Allow"`, `"Effect":"Allow","Condition":{"Bool":{"aws:SecureTransport":"true"}}`, 1)},
		{"principal star vs AWS star",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`},
		{"principal case differs",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/Alice"},"Action":"sts:AssumeRole"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole"}]}`},
		{"sid differs", base, strings.Replace(base, `"Effect"`, `"Sid":"A","Effect"`, 1)},
		{"id differs", base, strings.Replace(base, `"Version":"2012-10-17"`, `"Version":"2012-10-17","Id":"x"`, 1)},
		{"principal vs notprincipal",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"x"},"Action":"s3:*","Resource":"*"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"x"},"Action":"s3:*","Resource":"*"}]}`},
	}
	if len(tests) < 10 {
		t.Fatalf("need at least 10 unequal pairs, have %d", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eq, err := Equal(tt.a, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if eq {
				t.Errorf("want not equal, both canonicalise to the same document:\n a=%s\n b=%s", tt.a, tt.b)
			}
		})
	}
}

func TestEqualReportsParseErrors(t *testing.T) {
	if _, err := Equal(base, `{"Version":"2012-10-17","Statement":[{"Efect":"Allow"}]}`); err == nil {
		t.Fatal("want parse error for b")
	}
	if _, err := Equal(`not json`, base); err == nil {
		t.Fatal("want parse error for a")
	}
}

func TestCanonicalDoesNotModifyInput(t *testing.T) {
	d, err := Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["S3:B","s3:a"],"Resource":["z","a"]}]}`)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := Marshal(d)
	_ = Canonical(d)
	if d.Statement[0].Action[0] != "S3:B" || d.Statement[0].Resource[0] != "z" {
		t.Fatalf("Canonical modified its input: %+v", d.Statement[0])
	}
	after, _ := Marshal(d)
	if before != after {
		t.Fatalf("Marshal changed: %s vs %s", before, after)
	}
	if Canonical(nil) != nil {
		t.Fatal("Canonical(nil) should be nil")
	}
}

func TestCanonicalJSON(t *testing.T) {
	d, _ := Parse(`{"Statement":[{"Resource":"*","Action":["S3:PutObject","s3:GetObject"],"Effect":"Allow"}],"Version":"2012-10-17"}`)
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:getobject","s3:putobject"],"Resource":"*"}]}`
	if got := d.CanonicalJSON(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	bad := &Document{Statement: []Statement{{Principal: &Principal{Wildcard: true, Values: map[string]StringList{"AWS": {"x"}}}}}}
	if got := bad.CanonicalJSON(); !strings.HasPrefix(got, "invalid:") {
		t.Fatalf("want invalid: prefix, got %s", got)
	}
	if _, err := EqualDocuments(bad, d); err == nil {
		t.Fatal("want error comparing an unmarshallable document")
	}
}

func TestEqualDocumentsBuiltVsAWS(t *testing.T) {
	// What the operator builds vs what AWS hands back (URL-encoded, reordered).
	built := MFAEnforcement("aws")
	s, err := Marshal(built)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(urlEncode(s))
	if err != nil {
		t.Fatal(err)
	}
	// Reverse statements as a console edit might.
	for i, j := 0, len(d.Statement)-1; i < j; i, j = i+1, j-1 {
		d.Statement[i], d.Statement[j] = d.Statement[j], d.Statement[i]
	}
	eq, err := EqualDocuments(built, d)
	if err != nil || !eq {
		t.Fatalf("want equal, got %v %v", eq, err)
	}
}
