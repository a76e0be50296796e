package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// AccountBaselineSpec declares the security baseline of one AWS account.
// +kubebuilder:validation:XValidation:rule="!has(self.groups) || !has(self.mfaEnforcement) || !has(self.mfaEnforcement.groupName) || (has(self.mfaEnforcement.enabled) && !self.mfaEnforcement.enabled) || !self.groups.exists(g, g.name.lowerAscii() == self.mfaEnforcement.groupName.lowerAscii())",message="a permission group may not have the name of the MFA-enforcement group (spec.mfaEnforcement.groupName; IAM names ignore case)"
// +kubebuilder:validation:XValidation:rule="!has(self.selfService) || !has(self.selfService.allowedGroups) || self.selfService.allowedGroups.all(g, (has(self.groups) && self.groups.exists(x, x.name == g)) || (has(self.mfaEnforcement) && self.mfaEnforcement.groupName == g))",message="selfService.allowedGroups may only name groups declared in spec.groups"
type AccountBaselineSpec struct {
	// AccountID is the 12-digit AWS account this baseline governs. The operator refuses
	// to act when its credentials resolve to another account.
	// +kubebuilder:validation:Pattern=`^[0-9]{12}$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="accountID is immutable"
	AccountID string `json:"accountID"`

	// Access says how the operator reaches the account. Without it the operator uses its
	// own credentials, which must belong to accountID.
	// +optional
	Access *AccountAccess `json:"access,omitempty"`

	// Alias is the account alias, used in the sign-in URL instead of the account ID.
	// +optional
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9][a-z0-9-]*[a-z0-9]$`
	// +kubebuilder:validation:XValidation:rule="!self.contains('--')",message="alias must not contain two consecutive hyphens"
	Alias string `json:"alias,omitempty"`

	// PasswordPolicy is the account password policy. The defaults are the CIS AWS
	// Foundations Benchmark values.
	// +kubebuilder:default={}
	// +optional
	PasswordPolicy PasswordPolicy `json:"passwordPolicy,omitempty"`

	// MFAEnforcement is the customer-managed policy that denies everything but managing
	// one's own password and MFA device until MFA is present, and the group every
	// TeamMember of this account joins.
	// +kubebuilder:default={}
	// +optional
	MFAEnforcement *MFAEnforcement `json:"mfaEnforcement,omitempty"`

	// Groups are the permission groups. People get permissions through groups only.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:XValidation:rule="self.all(g, self.exists_one(x, x.name.lowerAscii() == g.name.lowerAscii()))",message="group names must be unique ignoring case: IAM treats devs and Devs as one group"
	Groups []PermissionGroup `json:"groups,omitempty"`

	// Budgets are cost budgets with alerts, so a leaked key cannot run up a bill unseen.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:XValidation:rule="self.all(b, self.exists_one(x, x.name.lowerAscii() == b.name.lowerAscii()))",message="budget names must be unique ignoring case"
	Budgets []Budget `json:"budgets,omitempty"`

	// SelfService says which namespaces may declare TeamMembers and AssumableRoles for
	// this account and what they may ask for. Without it, any namespace may, with no
	// limit but the rules that hold for everyone (protected names, OIDC subjects).
	// +optional
	SelfService *SelfService `json:"selfService,omitempty"`

	// ProtectedNames are IAM user and role names (patterns, * and ? wildcards, compared
	// case-insensitively as IAM does) that no TeamMember or AssumableRole may manage or
	// adopt, from any namespace. They add to the names that are always protected:
	// OrganizationAccountAccessRole, AWSReservedSSO_*, AWSServiceRoleFor*, anything
	// under /aws-service-role/ or /aws-reserved/, and the operator's own identity.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=128
	// +kubebuilder:validation:items:Pattern=`^[\w+=,.@*?-]+$`
	ProtectedNames []string `json:"protectedNames,omitempty"`

	// DeletionPolicy defaults to Retain here: deleting the baseline must never weaken an
	// account by accident.
	// +kubebuilder:default=Retain
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// ManagementPolicy: Enforce changes AWS; Observe only reports.
	// +kubebuilder:default=Enforce
	// +optional
	ManagementPolicy ManagementPolicy `json:"managementPolicy,omitempty"`
}

// AccountAccess reaches the account through STS AssumeRole.
type AccountAccess struct {
	// RoleARN is the role in the governed account that the operator assumes.
	// +kubebuilder:validation:Pattern=`^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`
	RoleARN string `json:"roleARN"`
	// ExternalID is passed to AssumeRole when the role's trust policy requires one.
	// +optional
	// +kubebuilder:validation:MinLength=2
	// +kubebuilder:validation:MaxLength=1224
	// +kubebuilder:validation:Pattern=`^[\w+=,.@:/-]+$`
	ExternalID string `json:"externalID,omitempty"`
}

// PasswordPolicy is the IAM account password policy.
type PasswordPolicy struct {
	// MinimumLength of a password (CIS 1.8: at least 14).
	// +kubebuilder:default=14
	// +kubebuilder:validation:Minimum=6
	// +kubebuilder:validation:Maximum=128
	// +optional
	MinimumLength int32 `json:"minimumLength,omitempty"`
	// RequireSymbols, RequireNumbers, RequireUppercase and RequireLowercase demand one
	// character of each class.
	// +kubebuilder:default=true
	// +optional
	RequireSymbols *bool `json:"requireSymbols,omitempty"`
	// +kubebuilder:default=true
	// +optional
	RequireNumbers *bool `json:"requireNumbers,omitempty"`
	// +kubebuilder:default=true
	// +optional
	RequireUppercase *bool `json:"requireUppercase,omitempty"`
	// +kubebuilder:default=true
	// +optional
	RequireLowercase *bool `json:"requireLowercase,omitempty"`
	// AllowUsersToChangePassword lets users change their own password.
	// +kubebuilder:default=true
	// +optional
	AllowUsersToChangePassword *bool `json:"allowUsersToChangePassword,omitempty"`
	// PasswordReusePrevention is how many previous passwords cannot be reused (CIS 1.9: 24).
	// +kubebuilder:default=24
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=24
	// +optional
	PasswordReusePrevention int32 `json:"passwordReusePrevention,omitempty"`
	// MaxPasswordAgeDays expires passwords after this many days; unset means never.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1095
	// +optional
	MaxPasswordAgeDays *int32 `json:"maxPasswordAgeDays,omitempty"`
	// HardExpiry stops users from resetting an expired password themselves.
	// +optional
	HardExpiry bool `json:"hardExpiry,omitempty"`
}

// MFAEnforcement configures the force-MFA policy and group.
type MFAEnforcement struct {
	// Enabled creates the policy and group and puts every TeamMember in the group.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
	// PolicyName of the customer-managed policy.
	// +kubebuilder:default=iam-baseline-force-mfa
	// +kubebuilder:validation:Pattern=`^[\w+=,.@-]{1,128}$`
	// +optional
	PolicyName string `json:"policyName,omitempty"`
	// GroupName of the group the policy is attached to.
	// +kubebuilder:default=iam-baseline-mfa-required
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[\w+=,.@-]{1,128}$`
	// +optional
	GroupName string `json:"groupName,omitempty"`
	// Adopt lets the baseline take over an MFA group of that name that it did not
	// create (IAM groups carry no tags, so status.createdGroups is the record of what
	// the baseline made; any other existing group is someone else's until adopted).
	// +optional
	Adopt bool `json:"adopt,omitempty"`
}

// PermissionGroup is an IAM group with its policies.
type PermissionGroup struct {
	// Name of the IAM group.
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:Pattern=`^[\w+=,.@-]{1,128}$`
	Name string `json:"name"`
	// Path of the group.
	// +kubebuilder:default=/
	// +kubebuilder:validation:Pattern=`^/([\x21-\x7E]{0,510}/)?$`
	// +optional
	Path string `json:"path,omitempty"`
	// ManagedPolicies are the ARNs of the managed policies attached to the group
	// (exactly this set). IAM allows ten.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:Pattern=`^arn:aws(-cn|-us-gov)?:iam::([0-9]{12}|aws):policy/[\w+=,.@/-]+$`
	ManagedPolicies []string `json:"managedPolicies,omitempty"`
	// InlinePolicies embedded in the group (exactly this set).
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:XValidation:rule="self.all(p, self.exists_one(x, x.name.lowerAscii() == p.name.lowerAscii()))",message="inline policy names must be unique ignoring case"
	InlinePolicies []InlinePolicy `json:"inlinePolicies,omitempty"`
	// Adopt lets the baseline take over an existing group of this name that it did not
	// create. Without it, a group someone made by hand is Stalled, never changed: IAM
	// groups carry no tags, so status.createdGroups is the record of what the baseline
	// made, and anything else is someone else's until adopted.
	// +optional
	Adopt bool `json:"adopt,omitempty"`
}

// Budget is an AWS cost budget with its alerts.
type Budget struct {
	// Name of the budget, unique in the account.
	// +kubebuilder:validation:MaxLength=100
	// +kubebuilder:validation:Pattern=`^[^:\\]{1,100}$`
	Name string `json:"name"`
	// Limit is the amount, as a decimal string such as "5" or "250.50".
	// +kubebuilder:validation:Pattern=`^[0-9]{1,12}(\.[0-9]{1,2})?$`
	// +kubebuilder:validation:XValidation:rule="double(self) > 0.0",message="limit must be greater than zero"
	Limit string `json:"limit"`
	// Unit of the limit.
	// +kubebuilder:default=USD
	// +kubebuilder:validation:Enum=USD
	// +optional
	Unit string `json:"unit,omitempty"`
	// TimeUnit is the period the limit applies to.
	// +kubebuilder:default=MONTHLY
	// +kubebuilder:validation:Enum=DAILY;MONTHLY;QUARTERLY;ANNUALLY
	// +optional
	TimeUnit string `json:"timeUnit,omitempty"`
	// Notifications are the alerts, each with its subscribers (AWS allows five).
	// +optional
	// +kubebuilder:validation:MaxItems=5
	Notifications []BudgetNotification `json:"notifications,omitempty"`
}

// BudgetNotification alerts subscribers when spend crosses a threshold.
type BudgetNotification struct {
	// Type: ACTUAL spend or FORECASTED spend.
	// +kubebuilder:default=ACTUAL
	// +kubebuilder:validation:Enum=ACTUAL;FORECASTED
	// +optional
	Type string `json:"type,omitempty"`
	// ComparisonOperator against the threshold.
	// +kubebuilder:default=GREATER_THAN
	// +kubebuilder:validation:Enum=GREATER_THAN;LESS_THAN;EQUAL_TO
	// +optional
	ComparisonOperator string `json:"comparisonOperator,omitempty"`
	// Threshold, a positive decimal: a percentage of the limit or an absolute amount.
	// +kubebuilder:validation:Pattern=`^[0-9]{1,12}(\.[0-9]{1,2})?$`
	// +kubebuilder:validation:XValidation:rule="double(self) > 0.0",message="threshold must be greater than zero"
	Threshold string `json:"threshold"`
	// ThresholdType: PERCENTAGE of the limit or ABSOLUTE_VALUE.
	// +kubebuilder:default=PERCENTAGE
	// +kubebuilder:validation:Enum=PERCENTAGE;ABSOLUTE_VALUE
	// +optional
	ThresholdType string `json:"thresholdType,omitempty"`
	// Subscribers receive the alert: up to ten email addresses and one SNS topic.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=11
	// +kubebuilder:validation:XValidation:rule="self.filter(s, s.type == 'SNS').size() <= 1",message="a notification may have at most one SNS subscriber"
	// +kubebuilder:validation:XValidation:rule="self.filter(s, s.type != 'SNS').size() <= 10",message="a notification may have at most ten email subscribers"
	Subscribers []BudgetSubscriber `json:"subscribers"`
}

// BudgetSubscriber is an email address or an SNS topic.
// +kubebuilder:validation:XValidation:rule="self.type != 'EMAIL' || self.address.matches('^[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+$')",message="an EMAIL subscriber's address must be an email address"
// +kubebuilder:validation:XValidation:rule="self.type != 'SNS' || self.address.matches('^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$')",message="an SNS subscriber's address must be an SNS topic ARN"
type BudgetSubscriber struct {
	// Type of the subscriber.
	// +kubebuilder:default=EMAIL
	// +kubebuilder:validation:Enum=EMAIL;SNS
	// +optional
	Type string `json:"type,omitempty"`
	// Address: the email address or the SNS topic ARN.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=320
	Address string `json:"address"`
}

// SelfService limits what teams may declare for this account.
type SelfService struct {
	// Namespaces that may declare TeamMembers and AssumableRoles for this account.
	// +optional
	// +listType=set
	Namespaces []string `json:"namespaces,omitempty"`
	// PlatformNamespace is the platform team's own namespace; it is not limited.
	// +optional
	PlatformNamespace string `json:"platformNamespace,omitempty"`
	// AllowedGroups are the groups self-service members may join (the MFA group is
	// always allowed).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MaxLength=128
	AllowedGroups []string `json:"allowedGroups,omitempty"`
	// Roles are the rules for self-service AssumableRoles.
	// +optional
	Roles *RoleGuardrails `json:"roles,omitempty"`
	// AllowAdoption lets self-service namespaces take over existing IAM users and roles
	// that lack the operator's ownership tags (spec.adopt). Off by default: adopting is
	// taking over whatever a person made by hand, admins included. Protected names are
	// never adopted, whatever this says.
	// +optional
	AllowAdoption bool `json:"allowAdoption,omitempty"`
	// Trust lists what self-service roles may trust. Without it they may trust only
	// TeamMembers of their own namespace, with MFA.
	// +optional
	Trust *SelfServiceTrust `json:"trust,omitempty"`
	// AllowedPaths are the IAM paths self-service users and roles may use: an exact
	// path such as /teams/payments/, or a pattern such as /teams/*. Paths drive resource
	// ARNs in policies, so a team must not pick another team's. Default: only /.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MaxLength=512
	// +kubebuilder:validation:items:Pattern=`^/([\x21-\x7E]{0,510}/?)?$`
	AllowedPaths []string `json:"allowedPaths,omitempty"`
	// ReservedTagKeys are tag keys (patterns, compared case-insensitively as IAM does)
	// that only the platform namespace may set, because tags drive ABAC conditions
	// (aws:PrincipalTag, aws:ResourceTag): for example team or cost-center. Keys under
	// iam.baseline.dev/ are always reserved.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=128
	ReservedTagKeys []string `json:"reservedTagKeys,omitempty"`
}

// SelfServiceTrust is what self-service roles may trust beyond their own namespace's
// TeamMembers.
type SelfServiceTrust struct {
	// Accounts (12-digit IDs) whose principals self-service roles may trust. The
	// account's own root is never allowed: it would trust every principal of the
	// account that has sts:AssumeRole. Default: none.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:Pattern=`^[0-9]{12}$`
	Accounts []string `json:"accounts,omitempty"`
	// Services are the AWS service principals (such as ec2.amazonaws.com) self-service
	// roles may trust. Default: none.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:Pattern=`^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$`
	Services []string `json:"services,omitempty"`
	// OIDCProviders are the identity providers self-service roles may trust, each with
	// the subject patterns a role's subjects must fall within. Default: none.
	// +optional
	// +listType=map
	// +listMapKey=providerARN
	// +kubebuilder:validation:MaxItems=20
	OIDCProviders []OIDCProviderGrant `json:"oidcProviders,omitempty"`
	// MemberNamespaces are the other namespaces whose TeamMembers self-service roles may
	// trust by reference. A role's own namespace is always allowed.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	MemberNamespaces []string `json:"memberNamespaces,omitempty"`
	// AllowWithoutMFA lets self-service roles set trust.requireMFA: false for people
	// and accounts. Off by default.
	// +optional
	AllowWithoutMFA bool `json:"allowWithoutMFA,omitempty"`
}

// OIDCProviderGrant allows an OIDC provider, for some subjects.
type OIDCProviderGrant struct {
	// ProviderARN of the IAM OIDC provider.
	// +kubebuilder:validation:Pattern=`^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:oidc-provider/.+$`
	ProviderARN string `json:"providerARN"`
	// Subjects are the patterns (* and ? wildcards) a role's subjects must fall within,
	// such as repo:acme/*:ref:refs/heads/main.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=1024
	Subjects []string `json:"subjects"`
}

// RoleGuardrails are what a self-service role must carry.
type RoleGuardrails struct {
	// RequiredPermissionsBoundary is the boundary policy ARN every role must carry.
	// +optional
	// +kubebuilder:validation:Pattern=`^arn:aws(-cn|-us-gov)?:iam::([0-9]{12}|aws):policy/[\w+=,.@/-]+$`
	RequiredPermissionsBoundary string `json:"requiredPermissionsBoundary,omitempty"`
	// MaxSessionDurationSeconds caps the roles' maximum session duration.
	// +optional
	// +kubebuilder:validation:Minimum=3600
	// +kubebuilder:validation:Maximum=43200
	MaxSessionDurationSeconds *int32 `json:"maxSessionDurationSeconds,omitempty"`
	// ForbiddenPolicies are managed policy ARNs a self-service role may never attach.
	// +optional
	// +listType=set
	ForbiddenPolicies []string `json:"forbiddenPolicies,omitempty"`
}

// AccountBaselineStatus is what the operator observed and did.
type AccountBaselineStatus struct {
	CommonStatus `json:",inline"`
	// SignInURL is the console sign-in URL of the account.
	// +optional
	SignInURL string `json:"signInURL,omitempty"`
	// MFAPolicyARN is the ARN of the MFA-enforcement policy.
	// +optional
	MFAPolicyARN string `json:"mfaPolicyARN,omitempty"`
	// MFAGroupName is the group every TeamMember of the account joins.
	// +optional
	MFAGroupName string `json:"mfaGroupName,omitempty"`
	// Groups are the permission groups that exist.
	// +optional
	Groups []string `json:"groups,omitempty"`
	// CreatedGroups are the groups this baseline created. IAM groups cannot carry
	// ownership tags, so this record is what allows deleting a group: only these are
	// deleted, when they leave the spec or with deletionPolicy Delete.
	// +optional
	// +listType=set
	CreatedGroups []string `json:"createdGroups,omitempty"`
	// Budgets with their current spend.
	// +optional
	Budgets []BudgetStatus `json:"budgets,omitempty"`
	// Findings are the CIS AWS Foundations IAM findings from the credential report.
	// +optional
	Findings []Finding `json:"findings,omitempty"`
	// FindingsGeneratedAt is when the credential report behind Findings was generated.
	// +optional
	FindingsGeneratedAt *metav1.Time `json:"findingsGeneratedAt,omitempty"`
	// FindingsCheckedAt is when the operator last read the credential report. Findings
	// are refreshed at most every few minutes (AWS caches the report for four hours).
	// +optional
	FindingsCheckedAt *metav1.Time `json:"findingsCheckedAt,omitempty"`
}

// BudgetStatus is a budget's state in AWS.
type BudgetStatus struct {
	Name  string `json:"name"`
	Limit string `json:"limit"`
	// +optional
	ActualSpend string `json:"actualSpend,omitempty"`
	// +optional
	ForecastedSpend string `json:"forecastedSpend,omitempty"`
	// +optional
	Notifications int32 `json:"notifications,omitempty"`
}

// Finding is one CIS control that the account fails.
type Finding struct {
	// Control is the CIS AWS Foundations Benchmark control id, such as "1.10".
	Control string `json:"control"`
	// Subject is the user, or "<root_account>" / "account".
	Subject string `json:"subject"`
	// Message says what is wrong and how to fix it.
	Message string `json:"message"`
}

// AccountBaseline is the security baseline of one AWS account.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=ab,categories=baseline
// +kubebuilder:printcolumn:name="Account",type=string,JSONPath=`.spec.accountID`
// +kubebuilder:printcolumn:name="Alias",type=string,JSONPath=`.spec.alias`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="CIS",type=string,JSONPath=`.status.conditions[?(@.type=="CISCompliant")].status`
// +kubebuilder:printcolumn:name="MFA",type=string,JSONPath=`.status.conditions[?(@.type=="MFAEnforced")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type AccountBaseline struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   AccountBaselineSpec   `json:"spec"`
	Status AccountBaselineStatus `json:"status,omitempty"`
}

// AccountBaselineList is a list of AccountBaselines.
// +kubebuilder:object:root=true
type AccountBaselineList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []AccountBaseline `json:"items"`
}

func init() {
	SchemeBuilder.Register(&AccountBaseline{}, &AccountBaselineList{})
}
