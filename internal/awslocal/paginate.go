package awslocal

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// pageInfo is embedded in paginated results; encoding/xml flattens it.
type pageInfo struct {
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

const defaultMaxItems = 100

// paginate applies the Marker and MaxItems parameters to a full, stably
// ordered listing. Markers are opaque to clients (an encoded offset).
func paginate[T any](c *call, items []T) ([]T, pageInfo, error) {
	maxItems, err := c.p.integer("MaxItems", defaultMaxItems)
	if err != nil {
		return nil, pageInfo{}, err
	}
	if maxItems < 1 || maxItems > 1000 {
		return nil, pageInfo{}, validationFailed(itoa(maxItems), "maxItems", "Member must have value between 1 and 1000")
	}
	start := 0
	if m := c.p.str("Marker"); m != "" {
		start, err = decodeMarker(m)
		if err != nil || start > len(items) {
			return nil, pageInfo{}, errValidation("Invalid Marker.")
		}
	}
	end := min(start+maxItems, len(items))
	page := items[start:end]
	if end < len(items) {
		return page, pageInfo{IsTruncated: true, Marker: encodeMarker(end)}, nil
	}
	return page, pageInfo{}, nil
}

// paginateAs pages items and renders each one, always as a non-nil slice so an
// empty page encodes as an empty list, as IAM sends it.
func paginateAs[T, X any](c *call, items []T, render func(T) X) ([]X, pageInfo, error) {
	page, info, err := paginate(c, items)
	if err != nil {
		return nil, pageInfo{}, err
	}
	out := make([]X, 0, len(page))
	for _, it := range page {
		out = append(out, render(it))
	}
	return out, info, nil
}

func encodeMarker(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("awslocal:" + strconv.Itoa(offset)))
}

func decodeMarker(m string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimPrefix(string(b), "awslocal:"))
}

func itoa(n int) string { return strconv.Itoa(n) }

// filterPath keeps the items whose path starts with prefix.
func filterPath[T any](items []T, prefix string, path func(T) string) []T {
	if prefix == "/" {
		return items
	}
	var out []T
	for _, it := range items {
		if strings.HasPrefix(path(it), prefix) {
			out = append(out, it)
		}
	}
	return out
}
