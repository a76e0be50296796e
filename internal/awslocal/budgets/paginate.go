package budgets

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// pageLimits are an operation's documented MaxResults bounds.
type pageLimits struct {
	defaultSize, maxSize int32
}

var (
	// DescribeBudgets: MaxResults 1..1000, default 100.
	budgetPages = pageLimits{defaultSize: 100, maxSize: 1000}
	// DescribeNotificationsForBudget and DescribeSubscribersForNotification: 1..100.
	childPages = pageLimits{defaultSize: 100, maxSize: 100}
)

// tokenPrefix marks our tokens so a token from another operation or a typo is
// rejected instead of silently restarting the listing.
const tokenPrefix = "awslocal-budgets:"

// paginate returns the page of items selected by nextToken and maxResults and
// the token of the page after it (nil on the last page). Tokens are offsets,
// which is enough for an emulator: a listing that shrinks between pages ends
// early rather than failing, as AWS does.
func paginate[T any](items []T, nextToken *string, maxResults *int32, lim pageLimits) ([]T, *string, error) {
	size := lim.defaultSize
	if maxResults != nil {
		size = *maxResults
		if size < 1 || size > lim.maxSize {
			return nil, nil, errInvalidParameter("MaxResults must be between 1 and %d, got %d", lim.maxSize, size)
		}
	}

	start := 0
	if nextToken != nil && *nextToken != "" {
		var err error
		if start, err = decodeToken(*nextToken); err != nil {
			return nil, nil, err
		}
	}
	if start >= len(items) {
		return []T{}, nil, nil
	}

	end := min(start+int(size), len(items))
	var next *string
	if end < len(items) {
		t := encodeToken(end)
		next = &t
	}
	return items[start:end], next, nil
}

func encodeToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + strconv.Itoa(offset)))
}

func decodeToken(token string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		if rest, ok := strings.CutPrefix(string(raw), tokenPrefix); ok {
			if offset, err := strconv.Atoi(rest); err == nil && offset >= 0 {
				return offset, nil
			}
		}
	}
	return 0, newError(codeInvalidNextToken, "the NextToken %q is invalid", token)
}
