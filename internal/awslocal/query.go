package awslocal

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// XML namespaces of the Query services.
const (
	iamXMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsXMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// writeQueryResult writes <ActionResponse><ActionResult>result</ActionResult>
// <ResponseMetadata/></ActionResponse>. A nil result omits the Result element,
// as AWS does for actions without output.
func writeQueryResult(w http.ResponseWriter, xmlns, action, requestID string, result any) {
	var buf bytes.Buffer
	buf.WriteString(`<` + action + `Response xmlns="` + xmlns + `">`)
	if result != nil {
		enc := xml.NewEncoder(&buf)
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			writeQueryError(w, xmlns, requestID, newErr(http.StatusInternalServerError, "ServiceFailure", "encoding response: %v", err))
			return
		}
	}
	buf.WriteString(`<ResponseMetadata><RequestId>` + requestID + `</RequestId></ResponseMetadata>`)
	buf.WriteString(`</` + action + `Response>`)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

type queryErrorBody struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	XMLNS   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

// writeQueryError writes AWS's Query error body with the error's HTTP status.
func writeQueryError(w http.ResponseWriter, xmlns, requestID string, e *awsError) {
	body := queryErrorBody{XMLNS: xmlns, RequestID: requestID}
	body.Error.Type = "Sender"
	if e.Status >= 500 {
		body.Error.Type = "Receiver"
	}
	body.Error.Code, body.Error.Message = e.Code, e.Message
	out, _ := xml.Marshal(body)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", requestID)
	w.WriteHeader(e.Status)
	_, _ = w.Write(out)
}

// writeJSONError writes a JSON 1.1 error (Budgets) with __type.
func writeJSONError(w http.ResponseWriter, requestID string, e *awsError) {
	code := jsonErrorCode(e.Code)
	out, _ := json.Marshal(map[string]string{"__type": code, "message": e.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", requestID)
	w.Header().Set("X-Amzn-Errortype", code)
	w.WriteHeader(e.Status)
	_, _ = w.Write(out)
}

// awsTime formats a timestamp as the Query protocol's ISO 8601.
func awsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// encodeDocument URL-encodes a policy document exactly as IAM returns it:
// RFC 3986, every byte but the unreserved A-Z a-z 0-9 - _ . ~ as %XX, a space
// as %20 and never "+" (which url.QueryEscape writes, and which boto3, the AWS
// CLI and the SDKs' plain URL decoders would keep as a literal plus). The
// original text (whitespace, key order) is kept: documents are stored as
// received and never re-marshalled.
func encodeDocument(doc string) string { return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20") }

// params reads Query-protocol form parameters.
type params url.Values

func (p params) str(name string) string { return url.Values(p).Get(name) }

func (p params) has(name string) bool {
	_, ok := p[name]
	return ok
}

// required returns a parameter or the ValidationError AWS gives for null.
func (p params) required(name string) (string, error) {
	v := p.str(name)
	if v == "" {
		return "", errValidation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
	}
	return v, nil
}

func (p params) boolean(name string) bool { return p.str(name) == "true" }

// integer returns the named integer parameter, def when absent.
func (p params) integer(name string, def int) (int, error) {
	v := p.str(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errValidation("Invalid value for parameter %s: %q", name, v)
	}
	return n, nil
}

// list reads a Query list: Name.member.1, Name.member.2, ...
func (p params) list(name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := p[name+".member."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}

// tags reads Tags.member.N.Key / .Value.
func (p params) tags(name string) []tag {
	var out []tag
	for i := 1; ; i++ {
		prefix := name + ".member." + strconv.Itoa(i)
		k, ok := p[prefix+".Key"]
		if !ok {
			return out
		}
		out = append(out, tag{Key: k[0], Value: p.str(prefix + ".Value")})
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
