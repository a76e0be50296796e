package cis

import "time"

// now is the fixture's report generation time; every age below is relative to it.
var now = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

// ago formats now minus d the way AWS writes report timestamps.
func ago(d time.Duration) string {
	return now.Add(-d).UTC().Format("2006-01-02T15:04:05+00:00")
}

func daysAgo(n int) string { return ago(time.Duration(n) * day) }

// fixtureHeader is AWS's column order.
const fixtureHeader = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
	"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
	"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
	"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated"

const noKey = "false,N/A,N/A,N/A,N/A"
const noCerts = "false,N/A,false,N/A"

// fixtureCSV is a realistic report: a root row with an access key and no MFA,
// and users that each exercise one case. The comment on each row says which
// findings it must produce (and, as important, which it must not).
var fixtureCSV = fixtureHeader + "\n" +
	// root: 1.4 and 1.5 when judged by the report alone; never 1.10-1.14.
	"<root_account>,arn:aws:iam::111111111111:root," + daysAgo(900) + ",not_supported,no_information,not_supported,not_supported,false," +
	"true," + daysAgo(800) + "," + daysAgo(300) + ",us-east-1,s3," + noKey + "," + noCerts + "\n" +
	// alice: console + MFA, password used 2 days ago, no keys: nothing.
	"alice,arn:aws:iam::111111111111:user/alice," + daysAgo(400) + ",true," + daysAgo(2) + "," + daysAgo(30) + ",N/A,true," + noKey + "," + noKey + "," + noCerts + "\n" +
	// bob: console without MFA, recently used: 1.10 only.
	"bob,arn:aws:iam::111111111111:user/bob," + daysAgo(100) + ",true," + daysAgo(10) + "," + daysAgo(90) + ",N/A,false," + noKey + "," + noKey + "," + noCerts + "\n" +
	// carol: no console, one fresh key used yesterday: nothing.
	"carol,arn:aws:iam::111111111111:user/carol," + daysAgo(300) + ",false,N/A,N/A,N/A,false," +
	"true," + daysAgo(10) + "," + daysAgo(1) + ",eu-west-1,sts," + noKey + "," + noCerts + "\n" +
	// dave: two inactive keys, old and never used: inactive keys count for nothing.
	"dave,arn:aws:iam::111111111111:user/dave," + daysAgo(500) + ",false,N/A,N/A,N/A,false," +
	"false," + daysAgo(400) + ",N/A,N/A,N/A," +
	"false," + daysAgo(300) + "," + daysAgo(299) + ",us-east-1,iam," + noCerts + "\n" +
	// erin: two active keys, key 1 120 days old but used: 1.13 and 1.14.
	"erin,arn:aws:iam::111111111111:user/erin," + daysAgo(365) + ",false,N/A,N/A,N/A,false," +
	"true," + daysAgo(120) + "," + daysAgo(1) + ",us-east-1,s3," +
	"true," + daysAgo(5) + "," + ago(time.Hour) + ",us-east-1,s3," + noCerts + "\n" +
	// frank: console + MFA, password last used 60 days ago: 1.12.
	"frank,arn:aws:iam::111111111111:user/frank," + daysAgo(400) + ",true," + daysAgo(60) + "," + daysAgo(200) + ",N/A,true," + noKey + "," + noKey + "," + noCerts + "\n" +
	// grace: console + MFA, password never used, set 50 days ago: 1.12.
	"grace,arn:aws:iam::111111111111:user/grace," + daysAgo(200) + ",true,no_information," + daysAgo(50) + ",N/A,true," + noKey + "," + noKey + "," + noCerts + "\n" +
	// heidi: old user, password never used but set 3 days ago: nothing.
	"heidi,arn:aws:iam::111111111111:user/heidi," + daysAgo(300) + ",true,no_information," + daysAgo(3) + ",N/A,true," + noKey + "," + noKey + "," + noCerts + "\n" +
	// ivan: active key created 100 days ago, never used: 1.12 and 1.14.
	"ivan,arn:aws:iam::111111111111:user/ivan," + daysAgo(100) + ",false,N/A,N/A,N/A,false," +
	"true," + daysAgo(100) + ",N/A,N/A,N/A," + noKey + "," + noCerts + "\n" +
	// judy: key 2 used exactly 45 days ago, rotated exactly 90 days ago: 1.12, not 1.14.
	"judy,arn:aws:iam::111111111111:user/judy," + daysAgo(200) + ",false,N/A,N/A,N/A,false," + noKey + "," +
	"true," + daysAgo(90) + "," + daysAgo(45) + ",us-east-1,s3," + noCerts + "\n" +
	// ken: key used 45 days minus a second ago, rotated 91 days ago: 1.14, not 1.12.
	"ken,arn:aws:iam::111111111111:user/ken," + daysAgo(200) + ",false,N/A,N/A,N/A,false," +
	"true," + daysAgo(91) + "," + ago(45*day-time.Second) + ",us-east-1,s3," + noKey + "," + noCerts + "\n" +
	// mallory: console without MFA, never used, no password_last_changed,
	// created 100 days ago: 1.10, and 1.12 from user_creation_time.
	"mallory,arn:aws:iam::111111111111:user/mallory," + daysAgo(100) + ",true,no_information,N/A,N/A,false," + noKey + "," + noKey + "," + noCerts + "\n"

// fixturePolicy passes 1.8 and 1.9.
var fixturePolicy = &PasswordPolicyObserved{
	MinimumLength: 14, PasswordReusePrevention: 24,
	RequireSymbols: true, RequireNumbers: true, RequireUppercase: true, RequireLowercase: true,
	AllowUsersToChangePassword: true,
}
