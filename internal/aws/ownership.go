package aws

import "fmt"

// Ownership tags. Every AWS resource the operator creates carries both; a resource
// without them was made by someone else and is never changed unless the spec says to
// adopt it, and one owned by another object is never touched.
const (
	TagManagedBy   = "iam.baseline.dev/managed-by"
	ManagedByValue = "iam-baseline-operator"
	TagOwner       = "iam.baseline.dev/owner"
)

// Owner is the owner tag value of an object: <kind>/<namespace>/<name>, with an empty
// namespace for cluster-scoped kinds.
func Owner(kind, namespace, name string) string {
	return kind + "/" + namespace + "/" + name
}

// OwnershipTags are the tags that mark a resource as the given owner's.
func OwnershipTags(owner string) map[string]string {
	return map[string]string{TagManagedBy: ManagedByValue, TagOwner: owner}
}

// NotManagedError: the resource exists without our tags and adoption is off.
type NotManagedError struct{ Resource string }

func (e *NotManagedError) Error() string {
	return fmt.Sprintf("%s already exists and is not managed by iam-baseline-operator; set spec.adopt: true to take it over", e.Resource)
}

// OwnedByOtherError: the resource belongs to another object.
type OwnedByOtherError struct{ Resource, Owner string }

func (e *OwnedByOtherError) Error() string {
	return fmt.Sprintf("%s is owned by %s; choose another name or delete that object", e.Resource, e.Owner)
}

// CheckOwnership decides whether owner may manage a resource carrying tags.
// It returns nil when the resource is owner's, or unmanaged and adopt is set.
func CheckOwnership(resource string, tags map[string]string, owner string, adopt bool) error {
	got, managed := tags[TagOwner], tags[TagManagedBy] == ManagedByValue
	switch {
	case managed && got == owner:
		return nil
	case managed && got != "":
		return &OwnedByOtherError{Resource: resource, Owner: got}
	case adopt:
		return nil
	default:
		return &NotManagedError{Resource: resource}
	}
}
