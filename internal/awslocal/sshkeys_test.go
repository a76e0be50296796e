package awslocal

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestSSHPublicKeysBlockDeleteUser(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("coder")})
	must(t, err)
	_, err = e.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("coder"), SSHPublicKeyBody: aws.String("not a key")})
	wantError(t, err, "InvalidPublicKey", 400)
	up, err := e.iam.UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{UserName: aws.String("coder"), SSHPublicKeyBody: aws.String("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG0 coder@example")})
	must(t, err)
	list, err := e.iam.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("coder")})
	must(t, err)
	if len(list.SSHPublicKeys) != 1 || *list.SSHPublicKeys[0].SSHPublicKeyId != *up.SSHPublicKey.SSHPublicKeyId {
		t.Fatalf("ListSSHPublicKeys = %+v", list.SSHPublicKeys)
	}
	_, err = e.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("coder")})
	wantError(t, err, "DeleteConflict", 409)

	certs, err := e.iam.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{UserName: aws.String("coder")})
	must(t, err)
	creds, err := e.iam.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: aws.String("coder")})
	must(t, err)
	if len(certs.Certificates) != 0 || len(creds.ServiceSpecificCredentials) != 0 {
		t.Fatal("signing certificates and service-specific credentials are not modelled and must list empty")
	}

	_, err = e.iam.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("coder"), SSHPublicKeyId: up.SSHPublicKey.SSHPublicKeyId})
	must(t, err)
	_, err = e.iam.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: aws.String("coder"), SSHPublicKeyId: up.SSHPublicKey.SSHPublicKeyId})
	wantError(t, err, "NoSuchEntity", 404)
	_, err = e.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("coder")})
	must(t, err)
	_, err = e.iam.ListSSHPublicKeys(ctx, &iam.ListSSHPublicKeysInput{UserName: aws.String("coder")})
	wantError(t, err, "NoSuchEntity", 404)
}
