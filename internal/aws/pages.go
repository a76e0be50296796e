package aws

import (
	"context"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// iamPager is what every IAM paginator of the SDK offers.
type iamPager[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*iam.Options)) (O, error)
}

// allPages reads every page of an IAM listing and collects items(page) from each, so
// no caller can forget a page: IAM truncates lists at 100 items by default.
func allPages[O, T any](ctx context.Context, p iamPager[O], items func(O) []T) ([]T, error) {
	var out []T
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, items(page)...)
	}
	return out, nil
}

// policyARNs are the ARNs of attached managed policies.
func policyARNs(attached []iamtypes.AttachedPolicy) []string {
	out := make([]string, 0, len(attached))
	for _, a := range attached {
		out = append(out, awssdk.ToString(a.PolicyArn))
	}
	return out
}
