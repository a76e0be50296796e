package budgets

import (
	"regexp"
	"sort"
	"strings"
)

type tagResourceRequest struct {
	ResourceARN  string        `json:"ResourceARN"`
	ResourceTags []resourceTag `json:"ResourceTags"`
}

type untagResourceRequest struct {
	ResourceARN     string   `json:"ResourceARN"`
	ResourceTagKeys []string `json:"ResourceTagKeys"`
}

type listTagsForResourceRequest struct {
	ResourceARN string `json:"ResourceARN"`
}

// Tag quotas: a request carries at most 200 tags, a resource holds at most 50
// user tags (the rest of the 200 are reserved for AWS).
const (
	maxTagsPerRequest  = 200
	maxTagsPerResource = 50
	maxTagKeyLength    = 128
	maxTagValueLength  = 256
)

// budgetARNPattern matches arn:aws:budgets::<account>:budget/<name>. There is
// no region: Budgets is a global service.
var budgetARNPattern = regexp.MustCompile(`^arn:aws[-a-z]*:budgets::([0-9]{12}):budget/([^:\\]+)$`)

func tagResource(_ *Service, acct *account, req *tagResourceRequest) (any, error) {
	b, err := acct.budgetByARN(req.ResourceARN)
	if err != nil {
		return nil, err
	}
	tags, err := mergeTags(b.tags, req.ResourceTags)
	if err != nil {
		return nil, err
	}
	b.tags = tags
	return empty{}, nil
}

func untagResource(_ *Service, acct *account, req *untagResourceRequest) (any, error) {
	b, err := acct.budgetByARN(req.ResourceARN)
	if err != nil {
		return nil, err
	}
	if len(req.ResourceTagKeys) > maxTagsPerRequest {
		return nil, errInvalidParameter("at most %d tag keys per request", maxTagsPerRequest)
	}
	for _, k := range req.ResourceTagKeys {
		delete(b.tags, k) // removing an absent key is not an error
	}
	return empty{}, nil
}

func listTagsForResource(_ *Service, acct *account, req *listTagsForResourceRequest) (any, error) {
	b, err := acct.budgetByARN(req.ResourceARN)
	if err != nil {
		return nil, err
	}
	out := make([]resourceTag, 0, len(b.tags))
	for k, v := range b.tags {
		out = append(out, resourceTag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return struct {
		ResourceTags []resourceTag `json:"ResourceTags"`
	}{out}, nil
}

// budgetByARN resolves a tagging ARN. Budget actions are taggable in AWS too,
// but the emulator has no actions, so their ARNs are not found.
func (a *account) budgetByARN(arn string) (*budgetRecord, error) {
	m := budgetARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return nil, errInvalidParameter("ResourceARN %q is not a budget ARN", arn)
	}
	if strings.Contains(m[2], "/action/") {
		return nil, errNotFound("budget action %s doesn't exist", arn)
	}
	if m[1] != a.id {
		return nil, newError(codeAccessDenied, "account %s is not authorized to access %s", a.id, arn)
	}
	return a.budget(m[2])
}

// mergeTags returns current with tags added or overwritten, after checking each
// tag and the quotas. current is not modified, so a failed request changes nothing.
func mergeTags(current map[string]string, tags []resourceTag) (map[string]string, error) {
	if len(tags) > maxTagsPerRequest {
		return nil, errInvalidParameter("at most %d tags per request", maxTagsPerRequest)
	}
	out := make(map[string]string, len(current)+len(tags))
	for k, v := range current {
		out[k] = v
	}
	for _, t := range tags {
		switch {
		case t.Key == "" || len(t.Key) > maxTagKeyLength:
			return nil, errInvalidParameter("tag key %q must be 1 to %d characters", t.Key, maxTagKeyLength)
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return nil, errInvalidParameter("tag key %q uses the reserved prefix aws:", t.Key)
		case len(t.Value) > maxTagValueLength:
			return nil, errInvalidParameter("tag value for %q is longer than %d characters", t.Key, maxTagValueLength)
		}
		out[t.Key] = t.Value
	}
	if len(out) > maxTagsPerResource {
		return nil, newError(codeServiceQuota, "a budget can have at most %d tags", maxTagsPerResource)
	}
	return out, nil
}
