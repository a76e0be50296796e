package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// AssumableRoleSpec declares an IAM role people (or accounts, services, OIDC
// workloads) switch into. Its trust policy is built from spec.trust.
// +kubebuilder:validation:XValidation:rule="has(self.roleName) == has(oldSelf.roleName)",message="roleName cannot be added or removed after creation"
type AssumableRoleSpec struct {
	// AccountRef is the name of the AccountBaseline of the account the role lives in.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="accountRef is immutable"
	AccountRef string `json:"accountRef"`

	// RoleName of the IAM role; defaults to the object's name. Immutable.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[\w+=,.@-]+$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="roleName is immutable"
	RoleName string `json:"roleName,omitempty"`

	// Path of the role.
	// +kubebuilder:default=/
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:Pattern=`^/([\x21-\x7E]{0,510}/)?$`
	// +optional
	Path string `json:"path,omitempty"`

	// Description of the role: IAM accepts tab, newline, carriage return and the
	// printable Latin-1 characters (no emoji, no other scripts).
	// +optional
	// +kubebuilder:validation:MaxLength=1000
	// +kubebuilder:validation:Pattern=`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{007E}\x{00A1}-\x{00FF}]*$`
	Description string `json:"description,omitempty"`

	// MaxSessionDuration in seconds, 3600 (1 h) to 43200 (12 h).
	// +kubebuilder:default=3600
	// +kubebuilder:validation:Minimum=3600
	// +kubebuilder:validation:Maximum=43200
	// +optional
	MaxSessionDuration int32 `json:"maxSessionDuration,omitempty"`

	// PermissionsBoundary is the ARN of the managed policy that bounds the role.
	// +optional
	// +kubebuilder:validation:Pattern=`^arn:aws(-cn|-us-gov)?:iam::([0-9]{12}|aws):policy/[\w+=,.@/-]+$`
	PermissionsBoundary string `json:"permissionsBoundary,omitempty"`

	// ManagedPolicies attached to the role (exactly this set).
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:items:Pattern=`^arn:aws(-cn|-us-gov)?:iam::([0-9]{12}|aws):policy/[\w+=,.@/-]+$`
	ManagedPolicies []string `json:"managedPolicies,omitempty"`

	// InlinePolicies embedded in the role (exactly this set).
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=10
	// +kubebuilder:validation:XValidation:rule="self.all(p, self.exists_one(x, x.name.lowerAscii() == p.name.lowerAscii()))",message="inline policy names must be unique ignoring case"
	InlinePolicies []InlinePolicy `json:"inlinePolicies,omitempty"`

	// Tags on the role.
	// +optional
	Tags Tags `json:"tags,omitempty"`

	// Trust says who may assume the role.
	Trust RoleTrust `json:"trust"`

	// Adopt lets the operator take over an existing role that lacks its ownership tags.
	// +optional
	Adopt bool `json:"adopt,omitempty"`

	// DeletionPolicy: Delete removes the role and its policies; Retain keeps it.
	// +kubebuilder:default=Delete
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// ManagementPolicy: Enforce changes AWS; Observe only reports.
	// +kubebuilder:default=Enforce
	// +optional
	ManagementPolicy ManagementPolicy `json:"managementPolicy,omitempty"`
}

// RoleTrust lists the principals that may assume the role.
// +kubebuilder:validation:XValidation:rule="has(self.teamMembers) || has(self.teamMemberSelector) || has(self.accounts) || has(self.services) || has(self.oidcProviders)",message="trust must name at least one of teamMembers, teamMemberSelector, accounts, services or oidcProviders"
type RoleTrust struct {
	// TeamMembers trusted by reference.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	TeamMembers []TeamMemberReference `json:"teamMembers,omitempty"`
	// TeamMemberSelector trusts every TeamMember in the role's namespace whose labels match.
	// +optional
	TeamMemberSelector *metav1.LabelSelector `json:"teamMemberSelector,omitempty"`
	// Accounts (12-digit IDs) whose administrators may delegate the role.
	// +optional
	// +listType=set
	// +kubebuilder:validation:items:Pattern=`^[0-9]{12}$`
	Accounts []string `json:"accounts,omitempty"`
	// Services are AWS service principals such as ec2.amazonaws.com.
	// +optional
	// +listType=set
	// +kubebuilder:validation:items:Pattern=`^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$`
	Services []string `json:"services,omitempty"`
	// OIDCProviders are web-identity federations such as GitHub Actions or EKS IRSA.
	// +optional
	// +kubebuilder:validation:MaxItems=10
	OIDCProviders []OIDCTrust `json:"oidcProviders,omitempty"`
	// RequireMFA adds aws:MultiFactorAuthPresent=true for people and accounts.
	// +kubebuilder:default=true
	// +optional
	RequireMFA *bool `json:"requireMFA,omitempty"`
	// MaxMFAAge adds aws:MultiFactorAuthAge: MFA must be this recent.
	// +optional
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1m') && duration(self) <= duration('129600s')",message="maxMFAAge must be between 1m and 36h"
	MaxMFAAge *metav1.Duration `json:"maxMFAAge,omitempty"`
	// ExternalID adds sts:ExternalId, for third parties assuming the role.
	// +optional
	// +kubebuilder:validation:MinLength=2
	// +kubebuilder:validation:MaxLength=1224
	// +kubebuilder:validation:Pattern=`^[\w+=,.@:/-]+$`
	ExternalID string `json:"externalID,omitempty"`
}

// TeamMemberReference names a TeamMember.
type TeamMemberReference struct {
	// Name of the TeamMember.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// Namespace of the TeamMember; defaults to the role's namespace.
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// OIDCTrust trusts an OIDC identity provider. Subjects that match every identity of
// the provider, or every repository (repo:*, repo:*/*), are refused unless
// allowAnySubject says it is meant: AWS documents them as the misconfiguration behind
// real role takeovers.
// +kubebuilder:validation:XValidation:rule="(has(self.allowAnySubject) && self.allowAnySubject) || self.subjects.all(s, !s.matches('^([*?]|[*?:/]*$|(repo|project_path):([^/]*[*?]|/|$))'))",message="an OIDC subject must not match every identity of the provider or every repository owner (*, repo:*, repo:*/*): name the owner (repo:acme/*) or set allowAnySubject: true"
type OIDCTrust struct {
	// ProviderARN of the IAM OIDC provider.
	// +kubebuilder:validation:Pattern=`^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:oidc-provider/.+$`
	ProviderARN string `json:"providerARN"`
	// Audience the token must carry (the aud claim).
	// +kubebuilder:validation:MinLength=1
	Audience string `json:"audience"`
	// Subjects the token's sub claim may match (wildcards allowed).
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=512
	Subjects []string `json:"subjects"`
	// AllowAnySubject accepts subjects that match every identity of the provider or
	// every repository owner (*, repo:*). Only for providers whose every identity is
	// meant to assume the role.
	// +optional
	AllowAnySubject bool `json:"allowAnySubject,omitempty"`
}

// AssumableRoleStatus is what the operator observed and did.
type AssumableRoleStatus struct {
	CommonStatus `json:",inline"`
	// RoleName of the IAM role.
	// +optional
	RoleName string `json:"roleName,omitempty"`
	// ARN of the IAM role.
	// +optional
	ARN string `json:"arn,omitempty"`
	// RoleID is the IAM unique ID (AROA...).
	// +optional
	RoleID string `json:"roleID,omitempty"`
	// Principals are the resolved principals in the trust policy.
	// +optional
	Principals []string `json:"principals,omitempty"`
	// TrustedMembers are the TeamMembers (namespace/name) in the trust policy; each of
	// them gets sts:AssumeRole on this role in its assume-role grant (an inline policy, or
	// the member's own managed policy when the grant outgrows the inline quota).
	// +optional
	TrustedMembers []string `json:"trustedMembers,omitempty"`
	// AdmittedMembers are TeamMembers on their way to Ready that this role will
	// trust once they are: they may be granted sts:AssumeRole on status.arn before
	// the trust policy names them, so a team applied together converges in one
	// step. Offered only while the role does not exist or is this object's; the
	// trust policy, written by this object, still decides who gets in.
	// +optional
	AdmittedMembers []string `json:"admittedMembers,omitempty"`
	// PendingMembers are referenced TeamMembers left out until they are Ready.
	// +optional
	PendingMembers []string `json:"pendingMembers,omitempty"`
	// SwitchRoleURL opens the console's switch-role page for this role.
	// +optional
	SwitchRoleURL string `json:"switchRoleURL,omitempty"`
}

// AssumableRole is an IAM role people switch into.
// +kubebuilder:validation:XValidation:rule="has(self.spec.roleName) || size(self.metadata.name) <= 64",message="IAM role names are at most 64 characters: set spec.roleName, or use a shorter object name"
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=ar,categories=baseline
// +kubebuilder:printcolumn:name="Account",type=string,JSONPath=`.spec.accountRef`
// +kubebuilder:printcolumn:name="Role",type=string,JSONPath=`.status.roleName`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Trust",type=string,JSONPath=`.status.conditions[?(@.type=="TrustVerified")].status`
// +kubebuilder:printcolumn:name="ARN",type=string,JSONPath=`.status.arn`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type AssumableRole struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   AssumableRoleSpec   `json:"spec"`
	Status AssumableRoleStatus `json:"status,omitempty"`
}

// AssumableRoleList is a list of AssumableRoles.
// +kubebuilder:object:root=true
type AssumableRoleList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []AssumableRole `json:"items"`
}

func init() {
	SchemeBuilder.Register(&AssumableRole{}, &AssumableRoleList{})
}
