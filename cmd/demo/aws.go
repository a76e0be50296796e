package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iam-baseline/operator/internal/awslocal"
)

// Credentials of the local AWS's account (awslocal's defaults); the samples name the
// same account, 123456789012.
const (
	localAccessKeyID     = "test"
	localSecretAccessKey = "test"
	localRegion          = "us-east-1"
)

// awsEnv is the AWS the operator and the report talk to.
type awsEnv struct {
	url   string
	local bool
	cfg   awssdk.Config
	stop  func()
}

// startAWS starts the local AWS on a free loopback port, unless AWS_ENDPOINT_URL
// already names an endpoint. The operator finds it the way production finds AWS:
// through the SDK's standard environment, so the process environment is set here
// rather than passing a config to the provider.
func startAWS(ctx context.Context, p *progress) (*awsEnv, error) {
	if url := os.Getenv("AWS_ENDPOINT_URL"); url != "" {
		p.step(fmt.Sprintf("using the AWS endpoint %s (from AWS_ENDPOINT_URL)…", url))
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("loading the AWS SDK configuration: %w", err)
		}
		if cfg.Region == "" {
			cfg.Region = localRegion
		}
		return &awsEnv{url: url, cfg: cfg, stop: func() {}}, nil
	}
	p.step("starting the local AWS (IAM, STS, Budgets)…")
	srv := awslocal.New(awslocal.Options{AccessKeyID: localAccessKeyID, SecretAccessKey: localSecretAccessKey, Region: localRegion})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the local AWS: %w", err)
	}
	// A person's ~/.aws (profiles, SSO, credential_process) must not leak into the
	// demo: the local AWS only knows test/test.
	_ = os.Unsetenv("AWS_PROFILE")
	_ = os.Unsetenv("AWS_SESSION_TOKEN")
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": localAccessKeyID, "AWS_SECRET_ACCESS_KEY": localSecretAccessKey,
		"AWS_REGION": localRegion, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		_ = os.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("loading the AWS SDK configuration: %w", err)
	}
	return &awsEnv{url: url, local: true, cfg: cfg, stop: func() { _ = srv.Close() }}, nil
}

// inventory is what exists in the account, gathered for the report. It is plain data
// so the formatting is unit-tested without an AWS.
type inventory struct {
	AccountID      string
	Aliases        []string
	PasswordPolicy *iamtypes.PasswordPolicy // nil: the account has none
	Users          []userInfo
	Groups         []groupInfo
	Roles          []roleInfo
	Policies       []policyInfo
	Budgets        []budgetInfo
}

type userInfo struct {
	Name, ARN      string
	Groups         []string
	Console        bool // has a login profile
	MustChangePass bool
	MFADevices     int
}

type groupInfo struct {
	Name            string
	ManagedPolicies []string // policy names
	InlinePolicies  []string
}

type roleInfo struct {
	Name, ARN          string
	MaxSessionDuration int32
	ManagedPolicies    []string
	Boundary           string
}

type policyInfo struct {
	Name, ARN   string
	Attachments int32
}

type budgetInfo struct {
	Name, Limit, Unit, TimeUnit string
	Notifications               []string // "ACTUAL > 80 PERCENTAGE → EMAIL platform-alerts@example.com"
}

// collectInventory reads the account with the SDK clients, as the AWS CLI would.
func collectInventory(ctx context.Context, cfg awssdk.Config) (*inventory, error) {
	inv := &inventory{}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("sts GetCallerIdentity: %w", err)
	}
	inv.AccountID = awssdk.ToString(id.Account)
	c := iam.NewFromConfig(cfg)

	aliases, err := c.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil {
		return nil, fmt.Errorf("iam ListAccountAliases: %w", err)
	}
	inv.Aliases = aliases.AccountAliases

	pp, err := c.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	var nse *iamtypes.NoSuchEntityException
	switch {
	case err == nil:
		inv.PasswordPolicy = pp.PasswordPolicy
	case errors.As(err, &nse):
	default:
		return nil, fmt.Errorf("iam GetAccountPasswordPolicy: %w", err)
	}

	for pg := iam.NewListUsersPaginator(c, &iam.ListUsersInput{}); pg.HasMorePages(); {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam ListUsers: %w", err)
		}
		for _, u := range page.Users {
			ui := userInfo{Name: awssdk.ToString(u.UserName), ARN: awssdk.ToString(u.Arn)}
			groups, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: u.UserName})
			if err != nil {
				return nil, fmt.Errorf("iam ListGroupsForUser %s: %w", ui.Name, err)
			}
			for _, g := range groups.Groups {
				ui.Groups = append(ui.Groups, awssdk.ToString(g.GroupName))
			}
			sort.Strings(ui.Groups)
			lp, err := c.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: u.UserName})
			switch {
			case err == nil:
				ui.Console, ui.MustChangePass = true, lp.LoginProfile.PasswordResetRequired
			case errors.As(err, &nse):
			default:
				return nil, fmt.Errorf("iam GetLoginProfile %s: %w", ui.Name, err)
			}
			mfa, err := c.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: u.UserName})
			if err != nil {
				return nil, fmt.Errorf("iam ListMFADevices %s: %w", ui.Name, err)
			}
			ui.MFADevices = len(mfa.MFADevices)
			inv.Users = append(inv.Users, ui)
		}
	}

	for pg := iam.NewListGroupsPaginator(c, &iam.ListGroupsInput{}); pg.HasMorePages(); {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam ListGroups: %w", err)
		}
		for _, g := range page.Groups {
			gi := groupInfo{Name: awssdk.ToString(g.GroupName)}
			att, err := c.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: g.GroupName})
			if err != nil {
				return nil, fmt.Errorf("iam ListAttachedGroupPolicies %s: %w", gi.Name, err)
			}
			for _, p := range att.AttachedPolicies {
				gi.ManagedPolicies = append(gi.ManagedPolicies, awssdk.ToString(p.PolicyName))
			}
			inl, err := c.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: g.GroupName})
			if err != nil {
				return nil, fmt.Errorf("iam ListGroupPolicies %s: %w", gi.Name, err)
			}
			gi.InlinePolicies = inl.PolicyNames
			inv.Groups = append(inv.Groups, gi)
		}
	}

	for pg := iam.NewListRolesPaginator(c, &iam.ListRolesInput{}); pg.HasMorePages(); {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam ListRoles: %w", err)
		}
		for _, r := range page.Roles {
			ri := roleInfo{Name: awssdk.ToString(r.RoleName), ARN: awssdk.ToString(r.Arn), MaxSessionDuration: awssdk.ToInt32(r.MaxSessionDuration)}
			if r.PermissionsBoundary != nil {
				ri.Boundary = awssdk.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)
			}
			att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: r.RoleName})
			if err != nil {
				return nil, fmt.Errorf("iam ListAttachedRolePolicies %s: %w", ri.Name, err)
			}
			for _, p := range att.AttachedPolicies {
				ri.ManagedPolicies = append(ri.ManagedPolicies, awssdk.ToString(p.PolicyName))
			}
			inv.Roles = append(inv.Roles, ri)
		}
	}

	// Customer-managed only: the AWS-managed ones are the same in every account.
	for pg := iam.NewListPoliciesPaginator(c, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal}); pg.HasMorePages(); {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam ListPolicies: %w", err)
		}
		for _, p := range page.Policies {
			inv.Policies = append(inv.Policies, policyInfo{Name: awssdk.ToString(p.PolicyName), ARN: awssdk.ToString(p.Arn), Attachments: awssdk.ToInt32(p.AttachmentCount)})
		}
	}

	b := budgets.NewFromConfig(cfg)
	for pg := budgets.NewDescribeBudgetsPaginator(b, &budgets.DescribeBudgetsInput{AccountId: id.Account}); pg.HasMorePages(); {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("budgets DescribeBudgets: %w", err)
		}
		for _, bu := range page.Budgets {
			bi := budgetInfo{Name: awssdk.ToString(bu.BudgetName), TimeUnit: string(bu.TimeUnit)}
			if bu.BudgetLimit != nil {
				bi.Limit, bi.Unit = awssdk.ToString(bu.BudgetLimit.Amount), awssdk.ToString(bu.BudgetLimit.Unit)
			}
			notes, err := b.DescribeNotificationsForBudget(ctx, &budgets.DescribeNotificationsForBudgetInput{AccountId: id.Account, BudgetName: bu.BudgetName})
			if err != nil {
				return nil, fmt.Errorf("budgets DescribeNotificationsForBudget %s: %w", bi.Name, err)
			}
			for _, n := range notes.Notifications {
				subs, err := b.DescribeSubscribersForNotification(ctx, &budgets.DescribeSubscribersForNotificationInput{AccountId: id.Account, BudgetName: bu.BudgetName, Notification: &n})
				if err != nil {
					return nil, fmt.Errorf("budgets DescribeSubscribersForNotification %s: %w", bi.Name, err)
				}
				var to []string
				for _, s := range subs.Subscribers {
					to = append(to, string(s.SubscriptionType)+" "+awssdk.ToString(s.Address))
				}
				bi.Notifications = append(bi.Notifications, fmt.Sprintf("%s %s %g %s → %s",
					n.NotificationType, comparisonSymbol(string(n.ComparisonOperator)), n.Threshold, n.ThresholdType, strings.Join(to, ", ")))
			}
			inv.Budgets = append(inv.Budgets, bi)
		}
	}
	return inv, nil
}

func comparisonSymbol(op string) string {
	switch op {
	case "GREATER_THAN":
		return ">"
	case "LESS_THAN":
		return "<"
	case "EQUAL_TO":
		return "="
	}
	return op
}
