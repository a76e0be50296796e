package aws

import (
	"context"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"

	"github.com/iam-baseline/operator/internal/metrics"
)

// countCalls adds a middleware that counts every attempt of every AWS call by
// service, operation and outcome. It sits at the front of the deserialize step, which
// runs once per attempt inside the retry loop and sees the parsed AWS error.
func countCalls(stack *middleware.Stack) error {
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("iam-baseline-call-metrics",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			outcome := "ok"
			if err != nil {
				if outcome = Code(err); outcome == "" {
					outcome = "error"
				}
			}
			metrics.AWSCalls.WithLabelValues(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), outcome).Inc()
			return out, md, err
		}), middleware.Before)
}
