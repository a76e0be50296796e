package budgets

import (
	"regexp"
	"slices"
	"strings"
)

// Enumerations from the Budgets model. AWS rejects any other value with
// InvalidParameterException, so the emulator does too.
var (
	timeUnits           = []string{"DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY", "CUSTOM"}
	budgetTypes         = []string{"USAGE", "COST", "RI_UTILIZATION", "RI_COVERAGE", "SAVINGS_PLANS_UTILIZATION", "SAVINGS_PLANS_COVERAGE"}
	notificationTypes   = []string{"ACTUAL", "FORECASTED"}
	comparisonOperators = []string{"GREATER_THAN", "LESS_THAN", "EQUAL_TO"}
	thresholdTypes      = []string{"PERCENTAGE", "ABSOLUTE_VALUE"}
	subscriptionTypes   = []string{"EMAIL", "SNS"}
)

// Documented quotas.
const (
	maxNotificationsPerBudget = 10
	maxEmailSubscribers       = 10
	maxSNSSubscribers         = 1
	maxThreshold              = 15_000_000_000_000
)

var (
	snsTopicARN  = regexp.MustCompile(`^arn:aws[-a-z]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
	emailAddress = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

func checkEnum(field, value string, allowed []string) error {
	if !slices.Contains(allowed, value) {
		return errInvalidParameter("%s %q is not one of %s", field, value, strings.Join(allowed, ", "))
	}
	return nil
}

// validateNotification checks a notification and fills the default
// ThresholdType, so a notification sent without one is the same notification as
// one sent with PERCENTAGE. The state is output only and is reset to OK.
func validateNotification(n *notification) error {
	if n == nil {
		return errInvalidParameter("Notification is required")
	}
	if n.ThresholdType == "" {
		n.ThresholdType = "PERCENTAGE"
	}
	n.NotificationState = ""
	if err := checkEnum("NotificationType", n.NotificationType, notificationTypes); err != nil {
		return err
	}
	if err := checkEnum("ComparisonOperator", n.ComparisonOperator, comparisonOperators); err != nil {
		return err
	}
	if err := checkEnum("ThresholdType", n.ThresholdType, thresholdTypes); err != nil {
		return err
	}
	// Written as !(x > 0) so NaN is rejected too.
	if !(n.Threshold > 0) || n.Threshold > maxThreshold {
		return errInvalidParameter("Threshold must be greater than 0 and at most %d, got %v", int64(maxThreshold), n.Threshold)
	}
	return nil
}

func validateSubscriber(s subscriber) error {
	if err := checkEnum("SubscriptionType", s.SubscriptionType, subscriptionTypes); err != nil {
		return err
	}
	switch {
	case strings.ContainsAny(s.Address, "\r\n"):
		return errInvalidParameter("subscriber Address must not contain line breaks")
	case s.SubscriptionType == "SNS" && !snsTopicARN.MatchString(s.Address):
		return errInvalidParameter("Address %q is not a valid SNS topic ARN", s.Address)
	case s.SubscriptionType == "EMAIL" && !emailAddress.MatchString(s.Address):
		return errInvalidParameter("Address %q is not a valid email address", s.Address)
	}
	return nil
}

// validateSubscriberList checks a list given with a new notification: at least
// one subscriber, each valid, none repeated.
func validateSubscriberList(subs []subscriber) error {
	if len(subs) == 0 {
		return errInvalidParameter("a notification needs at least one subscriber")
	}
	for i, s := range subs {
		if err := validateSubscriber(s); err != nil {
			return err
		}
		if slices.Contains(subs[:i], s) {
			return errInvalidParameter("subscriber %s %s is listed twice", s.SubscriptionType, s.Address)
		}
	}
	return nil
}

// subscriberLimitExceeded reports why subs break the per-notification quota
// (one SNS topic and ten email addresses), or "" when they do not. Callers pick
// the error type, because UpdateSubscriber's model has no CreationLimitExceeded.
func subscriberLimitExceeded(subs []subscriber) string {
	var email, sns int
	for _, s := range subs {
		if s.SubscriptionType == "SNS" {
			sns++
		} else {
			email++
		}
	}
	switch {
	case sns > maxSNSSubscribers:
		return "a notification can have at most one SNS subscriber"
	case email > maxEmailSubscribers:
		return "a notification can have at most 10 email subscribers"
	}
	return ""
}
