package awslocal

import (
	"strings"
	"unicode/utf8"
)

// passwordPolicy is the account password policy (UpdateAccountPasswordPolicy).
type passwordPolicy struct {
	MinimumPasswordLength      int
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	MaxPasswordAge             int
	PasswordReusePrevention    int
	HardExpiry                 bool
}

// passwordSymbols are the characters IAM counts as symbols.
const passwordSymbols = "!@#$%^&*()_+-=[]{}|'"

type passwordClasses struct{ upper, lower, number, symbol bool }

func classify(pw string) passwordClasses {
	var c passwordClasses
	for _, r := range pw {
		switch {
		case r >= 'A' && r <= 'Z':
			c.upper = true
		case r >= 'a' && r <= 'z':
			c.lower = true
		case r >= '0' && r <= '9':
			c.number = true
		case strings.ContainsRune(passwordSymbols, r):
			c.symbol = true
		}
	}
	return c
}

// checkPassword enforces the account's password policy or, when there is
// none, AWS's default policy (8 characters, three of the four character
// classes, not the user name).
func checkPassword(pp *passwordPolicy, password, userName string) error {
	if utf8.RuneCountInString(password) > 128 {
		return validationFailed("*****", "password", "Member must have length less than or equal to 128")
	}
	classes := classify(password)
	if pp == nil {
		n := 0
		for _, ok := range []bool{classes.upper, classes.lower, classes.number, classes.symbol} {
			if ok {
				n++
			}
		}
		if utf8.RuneCountInString(password) < 8 || n < 3 || strings.EqualFold(password, userName) {
			return errPasswordPolicy("Password does not conform to the account password policy.")
		}
		return nil
	}
	switch {
	case utf8.RuneCountInString(password) < pp.MinimumPasswordLength,
		pp.RequireSymbols && !classes.symbol,
		pp.RequireNumbers && !classes.number,
		pp.RequireUppercaseCharacters && !classes.upper,
		pp.RequireLowercaseCharacters && !classes.lower:
		return errPasswordPolicy("Password does not conform to the account password policy.")
	}
	return nil
}
