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
