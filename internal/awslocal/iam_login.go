package awslocal

type loginProfileXML struct {
	UserName              string
	CreateDate            string
	PasswordResetRequired bool
}

type loginProfileResult struct{ LoginProfile loginProfileXML }

func (u *user) loginProfileXML() loginProfileXML {
	return loginProfileXML{UserName: u.name, CreateDate: awsTime(u.login.created), PasswordResetRequired: u.login.resetRequired}
}

func errNoLoginProfile(name string) error {
	return errNoSuchEntity("Login Profile for User %s cannot be found.", name)
}

func createLoginProfile(c *call) (any, error) {
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	password, err := c.p.required("Password")
	if err != nil {
		return nil, err
	}
	if u.login != nil {
		return nil, errAlreadyExists("Login Profile for user %s already exists.", u.name)
	}
	if err := checkPassword(c.acct.passwordPolicy, password, u.name); err != nil {
		return nil, err
	}
	u.login = &loginProfile{created: c.now, changed: c.now, password: password, resetRequired: c.p.boolean("PasswordResetRequired")}
	return loginProfileResult{u.loginProfileXML()}, nil
}

func getLoginProfile(c *call) (any, error) {
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	if u.login == nil {
		return nil, errNoLoginProfile(u.name)
	}
	return loginProfileResult{u.loginProfileXML()}, nil
}

func updateLoginProfile(c *call) (any, error) {
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	if u.login == nil {
		return nil, errNoLoginProfile(u.name)
	}
	if c.p.has("Password") {
		password := c.p.str("Password")
		if err := checkPassword(c.acct.passwordPolicy, password, u.name); err != nil {
			return nil, err
		}
		u.login.password, u.login.changed = password, c.now
	}
	if c.p.has("PasswordResetRequired") {
		u.login.resetRequired = c.p.boolean("PasswordResetRequired")
	}
	return nil, nil
}

func deleteLoginProfile(c *call) (any, error) {
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	if u.login == nil {
		return nil, errNoLoginProfile(u.name)
	}
	u.login = nil
	return nil, nil
}

// changePassword lets an IAM user change their own password.
func changePassword(c *call) (any, error) {
	if c.caller.kind != callerUser {
		return nil, newErr(400, "InvalidUserType", "Only IAM users can change their own password.")
	}
	u, err := c.acct.getUser(c.caller.userName)
	if err != nil {
		return nil, err
	}
	if c.acct.passwordPolicy != nil && !c.acct.passwordPolicy.AllowUsersToChangePassword && !(u.login != nil && u.login.resetRequired) {
		return nil, errAccessDenied("User: %s is not authorized to perform: iam:ChangePassword", c.caller.arn())
	}
	if u.login == nil {
		return nil, errNoLoginProfile(u.name)
	}
	if c.p.str("OldPassword") != u.login.password {
		return nil, newErr(403, "AccessDenied", "The old password was incorrect.")
	}
	newPassword := c.p.str("NewPassword")
	if err := checkPassword(c.acct.passwordPolicy, newPassword, u.name); err != nil {
		return nil, err
	}
	u.login.password, u.login.changed, u.login.resetRequired = newPassword, c.now, false
	return nil, nil
}
