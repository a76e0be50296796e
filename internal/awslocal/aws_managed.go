package awslocal

import "time"

// awsManagedPolicies is a handful of AWS-managed policies, keyed by the
// lower-cased ARN. They are shared by all accounts and never modified after
// init, so reading them needs no lock.
var awsManagedPolicies = map[string]*managedPolicy{}

func init() {
	created := time.Date(2015, 2, 6, 18, 39, 46, 0, time.UTC)
	seed := func(path, name, doc string) {
		arn := awsPolicyPrefix + path + name
		awsManagedPolicies[key(arn)] = &managedPolicy{
			name: name, path: path, id: entityID(prefixPolicy), arn: arn, awsManaged: true,
			created: created, updated: created, defaultVersion: "v1", nextVersion: 2,
			versions: []*policyVersion{{id: "v1", doc: doc, created: created}},
		}
	}
	const allowAll = `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*"
        }
    ]
}`
	seed("/", "AdministratorAccess", allowAll)
	seed("/", "ReadOnlyAccess", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:Get*",
                "iam:List*",
                "s3:Get*",
                "s3:List*",
                "ec2:Describe*",
                "budgets:View*"
            ],
            "Resource": "*"
        }
    ]
}`)
	seed("/", "PowerUserAccess", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "NotAction": [
                "iam:*",
                "organizations:*",
                "account:*"
            ],
            "Resource": "*"
        }
    ]
}`)
	seed("/", "IAMUserChangePassword", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:ChangePassword"
            ],
            "Resource": [
                "arn:aws:iam::*:user/${aws:username}"
            ]
        },
        {
            "Effect": "Allow",
            "Action": [
                "iam:GetAccountPasswordPolicy"
            ],
            "Resource": "*"
        }
    ]
}`)
	seed("/", "IAMReadOnlyAccess", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:GenerateCredentialReport",
                "iam:Get*",
                "iam:List*"
            ],
            "Resource": "*"
        }
    ]
}`)
	seed("/", "IAMFullAccess", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "iam:*",
            "Resource": "*"
        }
    ]
}`)
	seed("/", "AmazonS3ReadOnlyAccess", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "s3:Get*",
                "s3:List*"
            ],
            "Resource": "*"
        }
    ]
}`)
	seed("/", "AmazonEC2ReadOnlyAccess", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "ec2:Describe*",
            "Resource": "*"
        }
    ]
}`)
	seed("/", "AWSBillingReadOnlyAccess", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "budgets:ViewBudget",
                "ce:Get*"
            ],
            "Resource": "*"
        }
    ]
}`)
	seed("/job-function/", "ViewOnlyAccess", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:List*",
                "s3:ListAllMyBuckets",
                "ec2:Describe*"
            ],
            "Resource": "*"
        }
    ]
}`)
	seed("/job-function/", "Billing", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "aws-portal:*",
                "budgets:*",
                "ce:*"
            ],
            "Resource": "*"
        }
    ]
}`)
	seed("/", "SecurityAudit", `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "iam:Get*",
                "iam:List*",
                "iam:GenerateCredentialReport"
            ],
            "Resource": "*"
        }
    ]
}`)
}
