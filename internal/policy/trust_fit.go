package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// TrustTooLargeError: even compacted, the trust policy does not fit IAM's quota.
type TrustTooLargeError struct {
	Size, Quota, People int
}

func (e *TrustTooLargeError) Error() string {
	return fmt.Sprintf("the trust policy is %d characters (white space not counted) with %d people even with their names compacted, and IAM allows %d: trust fewer members per role (split the role), shorten user names, or raise the account's AssumeRolePolicySizeQuota (up to 4,096) with Service Quotas",
		e.Size, e.People, e.Quota)
}

// FitTrust keeps a trust policy within IAM's trust policy quota for teams of any
// size, without widening who may assume the role.
//
// A document that fits is returned as built: every person is named by user ARN,
// which is the strongest form (IAM pins each to the user's unique ID). One that does
// not (about 45 people with the default 2,048 quota) names people per account in
// one statement that trusts the account, pinned to exactly them:
//
//	Principal {"AWS": "arn:aws:iam::<account>:root"}
//	Condition: the statement's own conditions (MFA, external ID) and
//	  ArnLike      aws:PrincipalArn  arn:aws:iam::<account>:user/*   (IAM users only)
//	  StringEquals aws:username      [the listed users' names]
//
// Who may assume is the same set: aws:username is only present for IAM users, the
// ARN pattern pins the account and excludes roles and federated sessions, and user
// names are unique in an account. Trusting the account also requires the caller's
// own policies to allow sts:AssumeRole on the role, which the operator grants each
// listed member and nobody else. What the compact form gives up is the unique-ID
// pin: a user deleted and re-created under the same name would match until the
// role's next reconcile (which follows the member's deletion at once).
func FitTrust(d *Document, partition string, quota int) (*Document, error) {
	size, err := docSize(d)
	if err != nil || size <= quota {
		return d, err
	}
	out := &Document{Version: d.Version, ID: d.ID}
	people := 0
	var compact []Statement
	for _, st := range d.Statement {
		if st.Principal == nil || st.Principal.Wildcard || st.Effect != Allow {
			out.Statement = append(out.Statement, st)
			continue
		}
		byAccount := map[string][]string{}
		var others []string
		for _, p := range st.Principal.Values[PrincipalAWS] {
			acct, name, ok := userOf(p)
			if !ok {
				others = append(others, p)
				continue
			}
			byAccount[acct] = append(byAccount[acct], name)
			people++
		}
		if len(byAccount) == 0 {
			out.Statement = append(out.Statement, st)
			continue
		}
		if len(others) > 0 || len(st.Principal.Values) > 1 {
			rest := st
			rest.Principal = &Principal{Values: maps.Clone(st.Principal.Values)}
			if len(others) > 0 {
				rest.Principal.Values[PrincipalAWS] = others
			} else {
				delete(rest.Principal.Values, PrincipalAWS)
			}
			out.Statement = append(out.Statement, rest)
		}
		for _, acct := range slices.Sorted(maps.Keys(byAccount)) {
			names := byAccount[acct]
			slices.Sort(names)
			cond := Condition{}
			for op, keys := range st.Condition {
				cond[op] = maps.Clone(keys)
			}
			if cond["ArnLike"] == nil {
				cond["ArnLike"] = map[string]StringList{}
			}
			cond["ArnLike"]["aws:PrincipalArn"] = StringList{"arn:" + partitionOr(partition) + ":iam::" + acct + ":user/*"}
			if cond["StringEquals"] == nil {
				cond["StringEquals"] = map[string]StringList{}
			}
			cond["StringEquals"]["aws:username"] = StringList(slices.Compact(names))
			compact = append(compact, Statement{
				Sid:       "AllowTeamMembers" + acct,
				Effect:    Allow,
				Principal: NewPrincipal(PrincipalAWS, AccountRootARN(partition, acct)),
				Action:    slices.Clone(st.Action),
				Condition: cond,
			})
		}
	}
	out.Statement = append(compact, out.Statement...)
	if err := ValidateTrustPolicy(out); err != nil {
		return nil, err
	}
	if size, err = docSize(out); err != nil {
		return nil, err
	}
	if size > quota {
		return nil, &TrustTooLargeError{Size: size, Quota: quota, People: people}
	}
	return out, nil
}

// TrustNamesUser reports whether a trust policy (as FitTrust writes it) lets the
// IAM user userARN assume the role by name: an Allow statement naming the ARN as
// an AWS principal, or the compact form naming the user's account with the
// user-ARN pattern of that account and the user's name in aws:username. It reads
// what the operator writes; it is not an evaluator (internal/policy/eval is).
func TrustNamesUser(d *Document, userARN string) bool {
	acct, name, ok := userOf(userARN)
	if d == nil || !ok {
		return false
	}
	for _, st := range d.Statement {
		if st.Effect != Allow || st.Principal == nil || !slices.Contains(st.Action, "sts:AssumeRole") {
			continue
		}
		principals := st.Principal.Values[PrincipalAWS]
		if slices.Contains(principals, userARN) {
			return true
		}
		partition := strings.SplitN(userARN, ":", 3)[1]
		if !slices.Contains(principals, AccountRootARN(partition, acct)) {
			continue
		}
		if slices.Equal(st.Condition["ArnLike"]["aws:PrincipalArn"], StringList{"arn:" + partition + ":iam::" + acct + ":user/*"}) &&
			slices.Contains(st.Condition["StringEquals"]["aws:username"], name) {
			return true
		}
	}
	return false
}

// userOf splits an IAM user ARN into its account and user name (the last path
// segment); ok is false for anything else (account roots, roles).
func userOf(arn string) (account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "user/") {
		return "", "", false
	}
	resource := parts[5]
	name = resource[strings.LastIndex(resource, "/")+1:]
	return parts[4], name, name != ""
}

func docSize(d *Document) (int, error) {
	s, err := Marshal(d)
	if err != nil {
		return 0, err
	}
	return Size(s), nil
}
