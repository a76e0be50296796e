package awslocal

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"time"
)

const (
	maxMFADeviceName   = 226
	maxMFADevicesPerID = 8
)

var mfaCodePattern = regexp.MustCompile(`^\d{6}$`)

type virtualMFAXML struct {
	SerialNumber     string
	Base32StringSeed string   `xml:",omitempty"` // base64 of the base32 seed, as AWS sends it
	QRCodePNG        string   `xml:",omitempty"` // base64 PNG
	User             *userXML `xml:",omitempty"`
	EnableDate       string   `xml:",omitempty"`
	Tags             []tagXML `xml:"Tags>member,omitempty"`
}

type createVirtualMFAResult struct{ VirtualMFADevice virtualMFAXML }

func createVirtualMFADevice(c *call) (any, error) {
	name, err := c.nameParam("VirtualMFADeviceName", maxMFADeviceName)
	if err != nil {
		return nil, err
	}
	path, err := c.pathParam("Path")
	if err != nil {
		return nil, err
	}
	tags := c.p.tags("Tags")
	if err := validateTags(tags); err != nil {
		return nil, err
	}
	serial := c.acct.mfaSerial(path, name)
	for _, d := range c.acct.mfa {
		if strings.EqualFold(d.serial[strings.LastIndex(d.serial, "/")+1:], name) {
			return nil, errAlreadyExists("MFADevice entity at the same path and name already exists.")
		}
	}
	secret := make([]byte, 20)
	_, _ = rand.Read(secret)
	seed := base32.StdEncoding.EncodeToString(secret)
	d := &mfaDevice{serial: serial, seed: []byte(seed), created: c.now}
	c.acct.mfa[key(serial)] = d
	return createVirtualMFAResult{virtualMFAXML{SerialNumber: serial, Base32StringSeed: base64.StdEncoding.EncodeToString(d.seed),
		QRCodePNG: base64.StdEncoding.EncodeToString(qrPlaceholder()), Tags: tagsXML(tags)}}, nil
}

// qrPlaceholder is a small valid PNG; rendering a real QR code adds nothing
// to what a test can check.
func qrPlaceholder() []byte {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := 0; i < 8; i++ {
		img.Set(i, i, color.White)
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

func (c *call) mfaDevice(serial string) (*mfaDevice, error) {
	d, ok := c.acct.mfa[key(serial)]
	if !ok {
		return nil, errNoSuchEntity("VirtualMFADevice with serial number %s doesn't exist.", serial)
	}
	return d, nil
}

func errBadMFACode() error {
	return newErr(403, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
}

func enableMFADevice(c *call) (any, error) {
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	code1, code2 := c.p.str("AuthenticationCode1"), c.p.str("AuthenticationCode2")
	for i, code := range []string{code1, code2} {
		if !mfaCodePattern.MatchString(code) {
			return nil, validationFailed(code, "authenticationCode"+itoa(i+1), `Member must satisfy regular expression pattern: [\d]+`)
		}
	}
	d, err := c.mfaDevice(c.p.str("SerialNumber"))
	if err != nil {
		return nil, err
	}
	if d.user != "" {
		return nil, errAlreadyExists("MFA Device is already in use.")
	}
	if len(u.mfa) >= maxMFADevicesPerID {
		return nil, errLimitExceeded("Cannot exceed quota for MFADevicesPerUser: %d", maxMFADevicesPerID)
	}
	secret, err := decodeSeed(string(d.seed))
	if err != nil {
		return nil, err
	}
	step := totpStep(secret, code1, c.now)
	if step < 0 || totp(secret, step+1) != code2 {
		return nil, errBadMFACode()
	}
	d.user, d.enabled = key(u.name), c.now
	u.mfa = append(u.mfa, key(d.serial))
	return nil, nil
}

func deactivateMFADevice(c *call) (any, error) {
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	serial := c.p.str("SerialNumber")
	d, ok := c.acct.mfa[key(serial)]
	if !ok || d.user != key(u.name) {
		return nil, errNoSuchEntity("MFA Device with serial number %s does not exist for user %s.", serial, u.name)
	}
	d.user, d.enabled = "", time.Time{}
	u.mfa = without(u.mfa, key(d.serial))
	return nil, nil
}

func deleteVirtualMFADevice(c *call) (any, error) {
	d, err := c.mfaDevice(c.p.str("SerialNumber"))
	if err != nil {
		return nil, err
	}
	if d.user != "" {
		return nil, errDeleteConflict("MFA Device is still in use.")
	}
	delete(c.acct.mfa, key(d.serial))
	return nil, nil
}

type mfaDeviceXML struct {
	UserName, SerialNumber, EnableDate string
}

type listMFADevicesResult struct {
	MFADevices []mfaDeviceXML `xml:"MFADevices>member"`
	pageInfo
}

func listMFADevices(c *call) (any, error) {
	if c.p.str("UserName") == "" && c.caller.kind == callerRoot {
		return listMFADevicesResult{MFADevices: []mfaDeviceXML{}}, nil
	}
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	page, info, err := paginate(c, u.mfa)
	if err != nil {
		return nil, err
	}
	res := listMFADevicesResult{MFADevices: []mfaDeviceXML{}, pageInfo: info}
	for _, serial := range page {
		d := c.acct.mfa[serial]
		res.MFADevices = append(res.MFADevices, mfaDeviceXML{UserName: u.name, SerialNumber: d.serial, EnableDate: awsTime(d.enabled)})
	}
	return res, nil
}

type listVirtualMFAResult struct {
	VirtualMFADevices []virtualMFAXML `xml:"VirtualMFADevices>member"`
	pageInfo
}

func listVirtualMFADevices(c *call) (any, error) {
	status := c.p.str("AssignmentStatus")
	if status == "" {
		status = "Any"
	}
	if status != "Any" && status != "Assigned" && status != "Unassigned" {
		return nil, validationFailed(status, "assignmentStatus", "Member must satisfy enum value set: [Assigned, Any, Unassigned]")
	}
	var devices []*mfaDevice
	for _, d := range sortedValues(c.acct.mfa) {
		if status == "Any" || (status == "Assigned") == (d.user != "") {
			devices = append(devices, d)
		}
	}
	page, info, err := paginate(c, devices)
	if err != nil {
		return nil, err
	}
	res := listVirtualMFAResult{VirtualMFADevices: []virtualMFAXML{}, pageInfo: info}
	for _, d := range page {
		x := virtualMFAXML{SerialNumber: d.serial}
		if d.user != "" {
			ux := c.acct.userXML(c.acct.users[d.user], false)
			x.User, x.EnableDate = &ux, awsTime(d.enabled)
		}
		res.VirtualMFADevices = append(res.VirtualMFADevices, x)
	}
	return res, nil
}

// verifyCallerMFA checks an MFA serial and code given to STS: the device must
// be enabled for the calling user and the code current.
func (c *call) verifyCallerMFA(serial, code string) error {
	if c.caller.kind != callerUser {
		return errAccessDenied("MultiFactorAuthentication failed, unable to validate MFA code.")
	}
	d, ok := c.acct.mfa[key(serial)]
	if !ok || d.user != key(c.caller.userName) {
		return errAccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
	}
	secret, err := decodeSeed(string(d.seed))
	if err != nil || !mfaCodePattern.MatchString(code) || totpStep(secret, code, c.now) < 0 {
		return errAccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
	}
	return nil
}
