package v1alpha1

// Accessors the controllers' shared lifecycle uses, so one reconcile skeleton serves
// every kind.

// CommonStatusRef returns the status part every kind shares.
func (x *AccountBaseline) CommonStatusRef() *CommonStatus { return &x.Status.CommonStatus }

// CommonStatusRef returns the status part every kind shares.
func (x *TeamMember) CommonStatusRef() *CommonStatus { return &x.Status.CommonStatus }

// CommonStatusRef returns the status part every kind shares.
func (x *AssumableRole) CommonStatusRef() *CommonStatus { return &x.Status.CommonStatus }

// StatusValue returns a copy of the whole status, for comparison before a write.
func (x *AccountBaseline) StatusValue() any { return *x.Status.DeepCopy() }

// StatusValue returns a copy of the whole status, for comparison before a write.
func (x *TeamMember) StatusValue() any { return *x.Status.DeepCopy() }

// StatusValue returns a copy of the whole status, for comparison before a write.
func (x *AssumableRole) StatusValue() any { return *x.Status.DeepCopy() }

// Policies returns what deletion and management may do.
func (x *AccountBaseline) Policies() (DeletionPolicy, ManagementPolicy) {
	return x.Spec.DeletionPolicy, x.Spec.ManagementPolicy
}

// Policies returns what deletion and management may do.
func (x *TeamMember) Policies() (DeletionPolicy, ManagementPolicy) {
	return x.Spec.DeletionPolicy, x.Spec.ManagementPolicy
}

// Policies returns what deletion and management may do.
func (x *AssumableRole) Policies() (DeletionPolicy, ManagementPolicy) {
	return x.Spec.DeletionPolicy, x.Spec.ManagementPolicy
}

// DefaultMFAGroupName is the MFA-enforcement group when spec.mfaEnforcement.groupName
// is not set.
const DefaultMFAGroupName = "iam-baseline-mfa-required"

// MFAGroupName is the account's MFA-enforcement group, or "" when enforcement is off.
// An unset spec.mfaEnforcement means its defaults (on), as the CRD defaults it; that
// matters for manifests judged without an API server.
func (x *AccountBaseline) MFAGroupName() string {
	m := x.Spec.MFAEnforcement
	if m != nil && m.Enabled != nil && !*m.Enabled {
		return ""
	}
	if m == nil || m.GroupName == "" {
		return DefaultMFAGroupName
	}
	return m.GroupName
}
