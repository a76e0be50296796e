package selfservice_test

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/selfservice"
)

// A plan judges manifests with no cluster and no AWS: the operator's identity is
// simply unknown (Env{}), and the role in spec.access.roleARN is protected anyway.
func ExampleCheck() {
	ab := &iamv1.AccountBaseline{
		ObjectMeta: metav1.ObjectMeta{Name: "prod"},
		Spec: iamv1.AccountBaselineSpec{
			AccountID:   "123456789012",
			SelfService: &iamv1.SelfService{Namespaces: []string{"team-payments"}},
		},
	}
	tm := &iamv1.TeamMember{
		ObjectMeta: metav1.ObjectMeta{Name: "takeover", Namespace: "team-payments"},
		Spec:       iamv1.TeamMemberSpec{AccountRef: "prod", UserName: "admin", Adopt: true},
	}
	reason, message := selfservice.Summary(selfservice.Check(ab, tm, selfservice.Env{}))
	fmt.Println(reason)
	fmt.Println(message)
	// Output:
	// NotAllowedBySelfService
	// adoption: spec.adopt would take over an existing IAM user someone made by hand (namespace "team-payments", account 123456789012): remove spec.adopt, or ask the platform team to allow it in spec.selfService.allowAdoption (true) of AccountBaseline "prod"
}
