package credentials

// Keys of the console Secret. A person reads these with
// kubectl get secret <name> -o jsonpath='{.data.password}' | base64 -d
const (
	ConsoleUserName  = "userName"
	ConsolePassword  = "password"
	ConsoleSignInURL = "signInURL"
	ConsoleAccountID = "accountID"
)

// Keys of the access-key Secret, named as the AWS SDKs' environment variables so the
// Secret can be mounted with envFrom.
const (
	AccessKeyID     = "AWS_ACCESS_KEY_ID"
	SecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	AccessKeyUser   = "userName"
)

// Labels on every credential Secret, so they can be listed and audited.
const (
	LabelTeamMember = "iam.baseline.dev/teammember"
	LabelKind       = "iam.baseline.dev/credential"
)
