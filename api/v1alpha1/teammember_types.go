package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// TeamMemberSpec declares one person's IAM user.
// +kubebuilder:validation:XValidation:rule="has(self.userName) == has(oldSelf.userName)",message="userName cannot be added or removed after creation"
type TeamMemberSpec struct {
	// AccountRef is the name of the AccountBaseline of the account the user lives in.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="accountRef is immutable"
	AccountRef string `json:"accountRef"`

	// UserName of the IAM user; defaults to the object's name. Immutable.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[\w+=,.@-]+$`
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="userName is immutable"
	UserName string `json:"userName,omitempty"`

	// Path of the IAM user.
	// +kubebuilder:default=/
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:Pattern=`^/([\x21-\x7E]{0,510}/)?$`
	// +optional
	Path string `json:"path,omitempty"`

	// Groups the user belongs to, besides the account's MFA-enforcement group which every
	// member joins. Exactly this set: a group left here is left in AWS.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=9
	// +kubebuilder:validation:items:Pattern=`^[\w+=,.@-]{1,128}$`
	// +kubebuilder:validation:items:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self.all(g, self.exists_one(x, x.lowerAscii() == g.lowerAscii()))",message="group names must be unique ignoring case: IAM treats devs and Devs as one group"
	Groups []string `json:"groups,omitempty"`

	// Tags on the IAM user.
	// +optional
	Tags Tags `json:"tags,omitempty"`

	// ConsoleAccess gives the user a console password, delivered in a Secret, that must
	// be changed at first sign-in.
	// +kubebuilder:default={}
	// +optional
	ConsoleAccess *ConsoleAccess `json:"consoleAccess,omitempty"`

	// AccessKeys are long-term keys; off by default, because roles with temporary STS
	// credentials are the safer choice.
	// +optional
	AccessKeys *AccessKeys `json:"accessKeys,omitempty"`

	// Adopt lets the operator take over an existing IAM user that lacks its ownership tags.
	// +optional
	Adopt bool `json:"adopt,omitempty"`

	// DeletionPolicy: Delete removes the user (and what IAM requires first); Retain keeps it.
	// +kubebuilder:default=Delete
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// ManagementPolicy: Enforce changes AWS; Observe only reports.
	// +kubebuilder:default=Enforce
	// +optional
	ManagementPolicy ManagementPolicy `json:"managementPolicy,omitempty"`
}

// ConsoleAccess configures the user's login profile.
type ConsoleAccess struct {
	// Enabled keeps a login profile; turning it off deletes the login profile.
	// +kubebuilder:default=true
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
	// SecretName of the Secret that receives the user name, initial password and
	// sign-in URL; defaults to "<name>-console".
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	SecretName string `json:"secretName,omitempty"`
}

// AccessKeys configures long-term access keys.
// +kubebuilder:validation:XValidation:rule="!has(self.maxAge) || !has(self.rotationGracePeriod) || duration(self.maxAge) >= duration(self.rotationGracePeriod) + duration(self.rotationGracePeriod)",message="maxAge must be at least twice rotationGracePeriod: the previous key is active for one grace period and inactive for another before it is deleted"
type AccessKeys struct {
	// Enabled keeps one active access key, delivered in a Secret.
	// +optional
	Enabled bool `json:"enabled,omitempty"`
	// MaxAge after which the key is rotated: a new key is created and written to the
	// Secret, and the old one retires over rotationGracePeriod. At least one day.
	// +kubebuilder:default="2160h"
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('24h')",message="maxAge must be at least one day (24h)"
	// +optional
	MaxAge *metav1.Duration `json:"maxAge,omitempty"`
	// RotationGracePeriod is how long the key a rotation replaced stays active after
	// the new key is in the Secret, so every consumer can pick the new one up. It is
	// then deactivated, and deleted one more grace period later. Default 24h; at
	// least one minute, at most half of maxAge.
	// +kubebuilder:default="24h"
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1m')",message="rotationGracePeriod must be at least one minute"
	// +optional
	RotationGracePeriod *metav1.Duration `json:"rotationGracePeriod,omitempty"`
	// SecretName of the Secret that receives the key; defaults to "<name>-access-key".
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	SecretName string `json:"secretName,omitempty"`
}

// TeamMemberStatus is what the operator observed and did.
type TeamMemberStatus struct {
	CommonStatus `json:",inline"`
	// UserName of the IAM user.
	// +optional
	UserName string `json:"userName,omitempty"`
	// ARN of the IAM user.
	// +optional
	ARN string `json:"arn,omitempty"`
	// UserID is the IAM unique ID (AIDA...).
	// +optional
	UserID string `json:"userID,omitempty"`
	// MFAEnrolled is true when the user has at least one MFA device.
	// +optional
	MFAEnrolled bool `json:"mfaEnrolled,omitempty"`
	// MFASerial is the serial number (for a virtual device, its ARN) of the enrolled MFA
	// device: the mfa_serial of the member's AWS CLI profiles.
	// +optional
	MFASerial string `json:"mfaSerial,omitempty"`
	// Groups the user is in.
	// +optional
	Groups []string `json:"groups,omitempty"`
	// ConsoleSecretName holds the initial console credentials.
	// +optional
	ConsoleSecretName string `json:"consoleSecretName,omitempty"`
	// OnboardingConfigMapName holds the member's onboarding text and AWS CLI profiles
	// (no secrets), kept up to date as roles and MFA devices change.
	// +optional
	OnboardingConfigMapName string `json:"onboardingConfigMapName,omitempty"`
	// AccessKeySecretName holds the current access key.
	// +optional
	AccessKeySecretName string `json:"accessKeySecretName,omitempty"`
	// AccessKeyID is the current access key's ID (not secret).
	// +optional
	AccessKeyID string `json:"accessKeyID,omitempty"`
	// AccessKeyCreated is when the current key was created; it is rotated at maxAge.
	// +optional
	AccessKeyCreated *metav1.Time `json:"accessKeyCreated,omitempty"`
	// PreviousAccessKey is the key the last rotation replaced, while it retires.
	// +optional
	PreviousAccessKey *RetiringAccessKey `json:"previousAccessKey,omitempty"`
	// AssumableRoles are the roles this member may switch into.
	// +optional
	AssumableRoles []AssumableRoleLink `json:"assumableRoles,omitempty"`
}

// RetiringAccessKey is a replaced access key during its rotation grace period. It is
// not in the Secret any more; pods that still use it keep working until Until.
type RetiringAccessKey struct {
	// ID of the key (not secret).
	ID string `json:"id"`
	// Created is when the key was created.
	Created metav1.Time `json:"created"`
	// Status is Active during the grace period, then Inactive until it is deleted.
	// +kubebuilder:validation:Enum=Active;Inactive
	Status string `json:"status"`
	// Until is when the key is deactivated (while Active) or deleted (while Inactive).
	Until metav1.Time `json:"until"`
}

// AssumableRoleLink is a role a member may assume.
type AssumableRoleLink struct {
	// Name is the AssumableRole as namespace/name.
	Name string `json:"name"`
	// RoleARN of the IAM role.
	RoleARN string `json:"roleARN"`
	// SwitchRoleURL opens the console's switch-role page for this role.
	SwitchRoleURL string `json:"switchRoleURL"`
	// MaxSessionDuration of the role in seconds: the longest session a member may ask for.
	// +optional
	MaxSessionDuration int32 `json:"maxSessionDuration,omitempty"`
}

// TeamMember is a person's IAM user.
// +kubebuilder:validation:XValidation:rule="has(self.spec.userName) || size(self.metadata.name) <= 64",message="IAM user names are at most 64 characters: set spec.userName, or use a shorter object name"
// +kubebuilder:validation:XValidation:rule="(has(self.spec.consoleAccess) && has(self.spec.consoleAccess.secretName) ? self.spec.consoleAccess.secretName : self.metadata.name + '-console') != (has(self.spec.accessKeys) && has(self.spec.accessKeys.secretName) ? self.spec.accessKeys.secretName : self.metadata.name + '-access-key')",message="the console Secret and the access-key Secret must have different names (one would overwrite the other)"
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=tm,categories=baseline
// +kubebuilder:printcolumn:name="Account",type=string,JSONPath=`.spec.accountRef`
// +kubebuilder:printcolumn:name="User",type=string,JSONPath=`.status.userName`
// +kubebuilder:printcolumn:name="MFA",type=boolean,JSONPath=`.status.mfaEnrolled`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="ARN",type=string,JSONPath=`.status.arn`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type TeamMember struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   TeamMemberSpec   `json:"spec"`
	Status TeamMemberStatus `json:"status,omitempty"`
}

// TeamMemberList is a list of TeamMembers.
// +kubebuilder:object:root=true
type TeamMemberList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TeamMember `json:"items"`
}

func init() {
	SchemeBuilder.Register(&TeamMember{}, &TeamMemberList{})
}
