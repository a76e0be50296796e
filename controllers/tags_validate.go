package controllers

import (
	"maps"
	"regexp"
	"slices"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// tagValuePattern is IAM's character set for tag values.
var tagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// checkTagValues refuses, before any AWS call, tag values IAM would refuse (a comma,
// an emoji, quotes): without this the user or role would be created and then fail
// at TagUser/TagRole, half made. The CRD checks the keys.
func checkTagValues(tags iamv1.Tags) error {
	var bad []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		if !tagValuePattern.MatchString(tags[k]) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return stalled(iamv1.ReasonInvalidSpec, "the values of tags %v contain characters IAM refuses: tag values may contain only letters, digits, spaces and _.:/=+-@", bad)
}
