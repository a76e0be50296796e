package policy

import (
	"strings"
	"testing"
)

func TestParseURLEncoded(t *testing.T) {
	// '+' is a space and %XX an escaped byte, as IAM returns documents.
	in := `%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22A%22%2C%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Amy+bucket%2Fa%2Bb%22%7D%5D%7D`
	d, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Statement[0].Resource[0]; got != "arn:aws:s3:::my bucket/a+b" {
		t.Fatalf("resource = %q", got)
	}
	if d.Version != Version2012 || d.Statement[0].Sid != "A" {
		t.Fatalf("parsed %+v", d)
	}
}

func TestParseRawJSONIsNotUnescaped(t *testing.T) {
	// A '+' and '%41' in raw JSON are literal: unescaping would corrupt them.
	d, err := Parse(`  {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x+y%41"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Statement[0].Resource[0]; got != "arn:aws:s3:::b/x+y%41" {
		t.Fatalf("resource = %q", got)
	}
}

func TestParseAcceptsScalarsAndObjectStatement(t *testing.T) {
	d, err := Parse(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"k:n":[1, 2.5, -3e2]},"Bool":{"k:b":[true,false]}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Statement[0].Condition
	if got := strings.Join(c["NumericLessThan"]["k:n"], ","); got != "1,2.5,-3e2" {
		t.Errorf("numbers = %s", got)
	}
	if got := strings.Join(c["Bool"]["k:b"], ","); got != "true,false" {
		t.Errorf("bools = %s", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "   ", "empty"},
		{"not json", "hello", "not a JSON object"},
		{"bad url escape", "%zz", "neither JSON nor URL-encoded"},
		{"unknown top-level key", `{"Version":"2012-10-17","Statment":[]}`, `unknown key "Statment"`},
		{"unknown statement key", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Actions":"s3:*"}]}`, `statement 1: unknown key "Actions"`},
		{"case hint", `{"Version":"2012-10-17","Statement":[{"effect":"Allow"}]}`, `did you mean "Effect"`},
		{"unknown principal type", `{"Statement":[{"Principal":{"Aws":"x"}}]}`, `unknown principal type "Aws"`},
		{"bare string principal", `{"Statement":[{"Principal":"arn:aws:iam::111111111111:root"}]}`, `must be "*"`},
		{"null value", `{"Statement":[{"Action":null}]}`, "null is not a valid value"},
		{"nested list", `{"Statement":[{"Action":[["a"]]}]}`, "nested list"},
		{"statement is a string", `{"Statement":"x"}`, "must be an object or a list"},
		{"statement element not object", `{"Statement":[1]}`, "statement 1"},
		{"trailing garbage", `{"Statement":[]} x`, "invalid"},
		{"condition not object", `{"Statement":[{"Condition":"x"}]}`, "Condition"},
		{"version not string", `{"Version":2012}`, "Version"},
		{"second statement error", `{"Statement":[{"Effect":"Allow"},{"Efect":"Allow"}]}`, "statement 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestMarshalIsDeterministicAndReadable(t *testing.T) {
	a := &Document{Version: Version2012, Statement: []Statement{{
		Sid: "S", Effect: Allow,
		Action:    StringList{"s3:PutObject", "s3:GetObject", "s3:GetObject"},
		Resource:  StringList{"arn:aws:s3:::b/<x>&y"},
		Condition: Condition{"StringEquals": {"b:k": {"2", "1"}, "a:k": {"x"}}},
	}}}
	b := &Document{Version: Version2012, Statement: []Statement{{
		Sid: "S", Effect: Allow,
		Action:    StringList{"s3:GetObject", "s3:PutObject"},
		Resource:  StringList{"arn:aws:s3:::b/<x>&y"},
		Condition: Condition{"StringEquals": {"a:k": {"x"}, "b:k": {"1", "2"}}},
	}}}
	sa, err := Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := Marshal(b)
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/<x>&y","Condition":{"StringEquals":{"a:k":"x","b:k":["1","2"]}}}]}`
	if sa != want || sb != want {
		t.Fatalf("got\n%s\n%s\nwant\n%s", sa, sb, want)
	}
	if _, err := Marshal(nil); err == nil {
		t.Fatal("want error for nil")
	}
	empty, _ := Marshal(&Document{Version: Version2012})
	if empty != `{"Version":"2012-10-17","Statement":[]}` {
		t.Fatalf("empty = %s", empty)
	}
}

func TestMarshalKeepsStatementOrderAndActionCase(t *testing.T) {
	d := &Document{Version: Version2012, Statement: []Statement{
		{Effect: Deny, Action: StringList{"Z:Z"}, Resource: StringList{"*"}},
		{Effect: Allow, Action: StringList{"A:a"}, Resource: StringList{"*"}},
	}}
	s, _ := Marshal(d)
	if !strings.Contains(s, `"Z:Z"`) || strings.Index(s, "Deny") > strings.Index(s, "Allow") {
		t.Fatalf("order or case changed: %s", s)
	}
}
