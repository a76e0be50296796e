package budgets

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Wire shapes of the Budgets JSON 1.1 protocol. Field names are the member
// names of the Smithy model, which is what JSON 1.1 puts on the wire. Members the
// emulator stores but never interprets stay json.RawMessage so they round-trip
// byte for byte without a Go model of every nested shape.

type spend struct {
	Amount string `json:"Amount"`
	Unit   string `json:"Unit"`
}

type costTypes struct {
	IncludeCredit            *bool `json:"IncludeCredit,omitempty"`
	IncludeDiscount          *bool `json:"IncludeDiscount,omitempty"`
	IncludeOtherSubscription *bool `json:"IncludeOtherSubscription,omitempty"`
	IncludeRecurring         *bool `json:"IncludeRecurring,omitempty"`
	IncludeRefund            *bool `json:"IncludeRefund,omitempty"`
	IncludeSubscription      *bool `json:"IncludeSubscription,omitempty"`
	IncludeSupport           *bool `json:"IncludeSupport,omitempty"`
	IncludeTax               *bool `json:"IncludeTax,omitempty"`
	IncludeUpfront           *bool `json:"IncludeUpfront,omitempty"`
	UseAmortized             *bool `json:"UseAmortized,omitempty"`
	UseBlended               *bool `json:"UseBlended,omitempty"`
}

type timePeriod struct {
	Start *epochSeconds `json:"Start,omitempty"`
	End   *epochSeconds `json:"End,omitempty"`
}

type calculatedSpend struct {
	ActualSpend     *spend `json:"ActualSpend,omitempty"`
	ForecastedSpend *spend `json:"ForecastedSpend,omitempty"`
}

type budget struct {
	BudgetName          string              `json:"BudgetName"`
	BudgetType          string              `json:"BudgetType"`
	TimeUnit            string              `json:"TimeUnit"`
	BudgetLimit         *spend              `json:"BudgetLimit,omitempty"`
	PlannedBudgetLimits map[string]spend    `json:"PlannedBudgetLimits,omitempty"`
	CostFilters         map[string][]string `json:"CostFilters,omitempty"`
	CostTypes           *costTypes          `json:"CostTypes,omitempty"`
	TimePeriod          *timePeriod         `json:"TimePeriod,omitempty"`
	CalculatedSpend     *calculatedSpend    `json:"CalculatedSpend,omitempty"`
	LastUpdatedTime     *epochSeconds       `json:"LastUpdatedTime,omitempty"`
	AutoAdjustData      json.RawMessage     `json:"AutoAdjustData,omitempty"`
	FilterExpression    json.RawMessage     `json:"FilterExpression,omitempty"`
	Metrics             []string            `json:"Metrics,omitempty"`
	BillingViewArn      string              `json:"BillingViewArn,omitempty"`
}

type notification struct {
	NotificationType   string  `json:"NotificationType"`
	ComparisonOperator string  `json:"ComparisonOperator"`
	Threshold          float64 `json:"Threshold"`
	ThresholdType      string  `json:"ThresholdType,omitempty"`
	NotificationState  string  `json:"NotificationState,omitempty"`
}

type subscriber struct {
	SubscriptionType string `json:"SubscriptionType"`
	Address          string `json:"Address"`
}

type notificationWithSubscribers struct {
	Notification *notification `json:"Notification"`
	Subscribers  []subscriber  `json:"Subscribers"`
}

type resourceTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// epochSeconds is a JSON 1.1 timestamp: seconds since the epoch as a number,
// with the millisecond fraction the SDK itself sends.
type epochSeconds struct{ time.Time }

func newEpoch(t time.Time) *epochSeconds { return &epochSeconds{t.UTC()} }

func (e epochSeconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(e.UnixMilli())/1000, 'f', -1, 64), nil
}

func (e *epochSeconds) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("timestamp %s is not epoch seconds", b)
	}
	e.Time = time.UnixMilli(int64(math.Round(f * 1000))).UTC()
	return nil
}
