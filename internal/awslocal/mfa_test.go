package awslocal

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// createMFA creates a virtual MFA device and returns its serial and seed.
func createMFA(t testing.TB, e *testEnv, device string) (serial, seed string) {
	t.Helper()
	out, err := e.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(device)})
	must(t, err)
	return *out.VirtualMFADevice.SerialNumber, string(out.VirtualMFADevice.Base32StringSeed)
}

// enableMFA creates a device and enables it for user with valid TOTP codes.
func enableMFA(t testing.TB, e *testEnv, user, device string) error {
	serial, seed := createMFA(t, e, device)
	c1, c2 := MFACodes(seed, time.Now())
	_, err := e.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName: aws.String(user), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2),
	})
	return err
}

func TestVirtualMFALifecycle(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("dave")})
	must(t, err)
	serial, seed := createMFA(t, e, "dave-phone")
	if serial != "arn:aws:iam::123456789012:mfa/dave-phone" || len(seed) != 32 {
		t.Fatalf("serial %q seed %q", serial, seed)
	}
	_, err = e.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("dave-phone")})
	wantError(t, err, "EntityAlreadyExists", 409)

	_, err = e.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("dave"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String("000000"), AuthenticationCode2: aws.String("000001")})
	wantError(t, err, "InvalidAuthenticationCode", 403)

	c1, c2 := MFACodes(seed, time.Now())
	_, err = e.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("dave"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)})
	must(t, err)

	devs, err := e.iam.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String("dave")})
	must(t, err)
	if len(devs.MFADevices) != 1 || *devs.MFADevices[0].SerialNumber != serial || devs.MFADevices[0].EnableDate == nil {
		t.Fatalf("ListMFADevices = %+v", devs.MFADevices)
	}
	_, _ = createMFA(t, e, "spare")
	assigned, err := e.iam.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: types.AssignmentStatusTypeAssigned})
	must(t, err)
	if len(assigned.VirtualMFADevices) != 1 || *assigned.VirtualMFADevices[0].User.UserName != "dave" {
		t.Fatalf("assigned = %+v", assigned.VirtualMFADevices)
	}
	all, err := e.iam.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{})
	must(t, err)
	if len(all.VirtualMFADevices) != 2 {
		t.Fatalf("all devices = %d", len(all.VirtualMFADevices))
	}

	_, err = e.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantError(t, err, "DeleteConflict", 409)
	_, err = e.iam.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("dave"), SerialNumber: aws.String(serial)})
	must(t, err)
	_, err = e.iam.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String("dave"), SerialNumber: aws.String(serial)})
	wantError(t, err, "NoSuchEntity", 404)
	_, err = e.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	must(t, err)
	_, err = e.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantError(t, err, "NoSuchEntity", 404)
}
