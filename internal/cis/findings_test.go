package cis

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iam-baseline/operator/api/v1alpha1"
)

// keys lists "control subject" of each finding, in order.
func keys(fs []v1alpha1.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Control + " " + f.Subject
	}
	return out
}

func fixtureInput(t testing.TB) Input {
	return Input{
		Now:                       now,
		Report:                    mustParse(t, fixtureCSV),
		PasswordPolicy:            fixturePolicy,
		UsersWithAttachedPolicies: []string{"leo", "carol", "leo"},
		RootMFAEnabled:            true,
	}
}

func TestFindingsFixture(t *testing.T) {
	got := Findings(fixtureInput(t))
	want := []string{
		"1.10 bob",
		"1.10 mallory",
		"1.12 frank",
		"1.12 grace",
		"1.12 ivan",
		"1.12 judy",
		"1.12 mallory",
		"1.13 erin",
		"1.14 erin",
		"1.14 ivan",
		"1.14 ken",
		"1.15 carol",
		"1.15 leo",
	}
	if !slices.Equal(keys(got), want) {
		t.Errorf("findings:\n got %q\nwant %q", keys(got), want)
	}
	for _, f := range got {
		if f.Message == "" || strings.Contains(f.Message, "\n") {
			t.Errorf("%s %s: bad message %q", f.Control, f.Subject, f.Message)
		}
	}
	// Spot-check the messages a person reads.
	msg := map[string]string{}
	for _, f := range got {
		msg[f.Control+" "+f.Subject] = f.Message
	}
	for k, sub := range map[string][]string{
		"1.10 bob":     {"console password enabled without MFA", "IAM console > Users > bob > Security credentials"},
		"1.12 frank":   {"console password not used for 60 days (CIS limit 45)"},
		"1.12 grace":   {"console password never used, set 50 days ago"},
		"1.12 mallory": {"console password never used, set 100 days ago"}, // from user_creation_time
		"1.12 ivan":    {"access key 1 never used, created 100 days ago"},
		"1.12 judy":    {"access key 2 not used for 45 days"},
		"1.14 erin":    {"access key 1 is 120 days old (CIS limit 90): rotate it"},
		"1.14 ken":     {"access key 1 is 91 days old"},
		"1.13 erin":    {"2 active access keys"},
		"1.15 leo":     {"attached directly", "Users > leo > Permissions"},
	} {
		for _, s := range sub {
			if !strings.Contains(msg[k], s) {
				t.Errorf("%s: message %q does not contain %q", k, msg[k], s)
			}
		}
	}
	if strings.Contains(msg["1.14 erin"], "key 2") {
		t.Errorf("1.14 erin names the fresh key 2: %q", msg["1.14 erin"])
	}
}

// user is a report row for the per-control tables: a user created long ago
// with nothing enabled; each case switches on what it tests.
func user(name string, mod func(r *ReportRow)) ReportRow {
	r := ReportRow{User: name, ARN: "arn:aws:iam::111111111111:user/" + name, UserCreated: now.Add(-1000 * day)}
	mod(&r)
	return r
}

func at(d time.Duration) *time.Time { t := now.Add(-d); return &t }

func TestUserControls(t *testing.T) {
	const d = day
	tests := []struct {
		name string
		row  ReportRow
		want []string // controls expected for the user
	}{
		// 1.10
		{"console with MFA", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.MFAActive, r.PasswordLastUsed = true, true, at(d)
		}), nil},
		{"console without MFA", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.PasswordLastUsed = true, at(d)
		}), []string{"1.10"}},
		{"no console, no MFA", user("u", func(r *ReportRow) {}), nil},

		// 1.12 password
		{"password used 44 days ago", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.MFAActive, r.PasswordLastUsed = true, true, at(44*d)
		}), nil},
		{"password used exactly 45 days ago", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.MFAActive, r.PasswordLastUsed = true, true, at(45*d)
		}), []string{"1.12"}},
		{"password used 45 days minus a second ago", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.MFAActive, r.PasswordLastUsed = true, true, at(45*d-time.Second)
		}), nil},
		{"password disabled, last used long ago", user("u", func(r *ReportRow) {
			r.PasswordLastUsed = at(400 * d)
		}), nil},
		{"password never used, changed exactly 45 days ago", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.MFAActive, r.PasswordLastChanged = true, true, at(45*d)
		}), []string{"1.12"}},
		{"password never used, changed 44 days ago", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.MFAActive, r.PasswordLastChanged = true, true, at(44*d)
		}), nil},
		{"password never used, user 10 days old, no change time", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.MFAActive, r.UserCreated = true, true, now.Add(-10*d)
		}), nil},
		{"password never used, user 46 days old, no change time", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.MFAActive, r.UserCreated = true, true, now.Add(-46*d)
		}), []string{"1.12"}},
		{"password never used, no times at all", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.MFAActive, r.UserCreated = true, true, time.Time{}
		}), nil},

		// 1.12 keys
		{"active key used yesterday", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(30 * d), LastUsed: at(d)}
		}), nil},
		{"active key used exactly 45 days ago", user("u", func(r *ReportRow) {
			r.Keys[1] = KeyInfo{Active: true, LastRotated: at(60 * d), LastUsed: at(45 * d)}
		}), []string{"1.12"}},
		{"active key never used, created 44 days ago", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(44 * d)}
		}), nil},
		{"active key never used, created 45 days ago", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(45 * d)}
		}), []string{"1.12"}},
		{"inactive key never used, created long ago", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{LastRotated: at(400 * d)}
		}), nil},
		{"active key with no times", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true}
		}), nil},

		// 1.13
		{"two active keys", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(10 * d), LastUsed: at(d)}
			r.Keys[1] = KeyInfo{Active: true, LastRotated: at(2 * d), LastUsed: at(d)}
		}), []string{"1.13"}},
		{"one active, one inactive key", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(10 * d), LastUsed: at(d)}
			r.Keys[1] = KeyInfo{LastRotated: at(2 * d), LastUsed: at(d)}
		}), nil},

		// 1.14
		{"active key exactly 90 days old", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(90 * d), LastUsed: at(d)}
		}), nil},
		{"active key 90 days and 23 hours old", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(91*d - time.Hour), LastUsed: at(d)}
		}), nil},
		{"active key 91 days old", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(91 * d), LastUsed: at(d)}
		}), []string{"1.14"}},
		{"inactive key 400 days old", user("u", func(r *ReportRow) {
			r.Keys[1] = KeyInfo{LastRotated: at(400 * d), LastUsed: at(d)}
		}), nil},
		{"key from the future (clock skew)", user("u", func(r *ReportRow) {
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(-d), LastUsed: at(-d)}
		}), nil},

		// Several at once, one finding per control.
		{"everything wrong", user("u", func(r *ReportRow) {
			r.PasswordEnabled, r.PasswordLastUsed = true, at(100*d)
			r.Keys[0] = KeyInfo{Active: true, LastRotated: at(200 * d)}
			r.Keys[1] = KeyInfo{Active: true, LastRotated: at(100 * d), LastUsed: at(50 * d)}
		}), []string{"1.10", "1.12", "1.13", "1.14"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Findings(Input{Now: now, Report: []ReportRow{tt.row}, PasswordPolicy: fixturePolicy, RootMFAEnabled: true})
			var controls []string
			for _, f := range got {
				if f.Subject != tt.row.User {
					t.Errorf("unexpected subject %q", f.Subject)
				}
				controls = append(controls, f.Control)
			}
			if !slices.Equal(controls, tt.want) {
				t.Errorf("controls %q, want %q; findings %+v", controls, tt.want, got)
			}
		})
	}
}

func TestSeveralProblemsOneFinding(t *testing.T) {
	row := user("u", func(r *ReportRow) {
		r.PasswordEnabled, r.MFAActive, r.PasswordLastUsed = true, true, at(100*day)
		r.Keys[0] = KeyInfo{Active: true, LastRotated: at(200 * day)}
		r.Keys[1] = KeyInfo{Active: true, LastRotated: at(100 * day), LastUsed: at(50 * day)}
	})
	got := Findings(Input{Now: now, Report: []ReportRow{row}, PasswordPolicy: fixturePolicy, RootMFAEnabled: true})
	want := map[string]string{
		"1.12": "console password not used for 100 days (CIS limit 45): remove console access if u no longer needs it (IAM console > Users > u > Security credentials > Manage console access); " +
			"access key 1 never used, created 200 days ago (CIS limit 45): delete it (IAM console > Users > u > Security credentials); " +
			"access key 2 not used for 50 days (CIS limit 45): deactivate or delete it (IAM console > Users > u > Security credentials)",
		"1.14": "access key 1 is 200 days old (CIS limit 90): rotate it; access key 2 is 100 days old (CIS limit 90): rotate it",
	}
	for _, f := range got {
		if w, ok := want[f.Control]; ok && f.Message != w {
			t.Errorf("%s:\n got %q\nwant %q", f.Control, f.Message, w)
		}
	}
}

func TestRootControls(t *testing.T) {
	rootRow := func(mfa bool, key1, key2 bool) *ReportRow {
		r := ReportRow{User: RootUser, Root: true, UserCreated: now.Add(-900 * day), MFAActive: mfa}
		r.Keys[0].Active, r.Keys[1].Active = key1, key2
		if key1 {
			r.Keys[0].LastRotated = at(800 * day) // old and unused: 1.12/1.14 must still not apply to root
		}
		return &r
	}
	tests := []struct {
		name        string
		in          Input
		row         *ReportRow
		want        []string
		msgContains map[string]string
	}{
		{"summary clean, report clean", Input{RootMFAEnabled: true}, rootRow(true, false, false), nil, nil},
		{"summary clean, no root row", Input{RootMFAEnabled: true}, nil, nil, nil},
		{"summary: keys and no MFA, report agrees", Input{RootAccessKeysPresent: true}, rootRow(false, true, false),
			[]string{"1.4 <root_account>", "1.5 <root_account>"},
			map[string]string{"1.4": "the root user has access key 1: ", "1.5": "MFA is not enabled on the root user"}},
		{"summary: both keys", Input{RootAccessKeysPresent: true, RootMFAEnabled: true}, rootRow(true, true, true),
			[]string{"1.4 <root_account>"}, map[string]string{"1.4": "access key 1 and 2"}},
		{"summary: keys, stale report shows none", Input{RootAccessKeysPresent: true, RootMFAEnabled: true}, rootRow(true, false, false),
			[]string{"1.4 <root_account>"}, map[string]string{"1.4": "the root user has access keys: "}},
		{"summary: keys deleted since the report", Input{RootMFAEnabled: true}, rootRow(false, true, false), nil, nil},
		{"summary: MFA off although the report says on", Input{}, rootRow(true, false, false),
			[]string{"1.5 <root_account>"}, nil},
		{"no summary: report decides", Input{RootSummaryUnavailable: true}, rootRow(false, false, true),
			[]string{"1.4 <root_account>", "1.5 <root_account>"}, map[string]string{"1.4": "access key 2"}},
		{"no summary: report clean", Input{RootSummaryUnavailable: true}, rootRow(true, false, false), nil, nil},
		{"no summary, no root row: nothing to judge", Input{RootSummaryUnavailable: true}, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Now, in.PasswordPolicy = now, fixturePolicy
			if tt.row != nil {
				in.Report = []ReportRow{*tt.row}
			}
			got := Findings(in)
			if !slices.Equal(keys(got), tt.want) {
				t.Fatalf("got %q, want %q", keys(got), tt.want)
			}
			for _, f := range got {
				if s, ok := tt.msgContains[f.Control]; ok && !strings.Contains(f.Message, s) {
					t.Errorf("%s message %q does not contain %q", f.Control, f.Message, s)
				}
			}
		})
	}
}

func TestPasswordPolicyControls(t *testing.T) {
	tests := []struct {
		name   string
		policy *PasswordPolicyObserved
		want   []string
		msg    string
	}{
		{"no policy", nil, []string{"1.8 account", "1.9 account"}, "no account password policy is set"},
		{"CIS values", &PasswordPolicyObserved{MinimumLength: 14, PasswordReusePrevention: 24}, nil, ""},
		{"stricter", &PasswordPolicyObserved{MinimumLength: 32, PasswordReusePrevention: 24}, nil, ""},
		{"length 13", &PasswordPolicyObserved{MinimumLength: 13, PasswordReusePrevention: 24}, []string{"1.8 account"}, "minimum length is 13 (CIS minimum 14)"},
		{"reuse 23", &PasswordPolicyObserved{MinimumLength: 14, PasswordReusePrevention: 23}, []string{"1.9 account"}, "reuse of the last 23 passwords (CIS minimum 24)"},
		{"reuse not prevented", &PasswordPolicyObserved{MinimumLength: 8}, []string{"1.8 account", "1.9 account"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Findings(Input{Now: now, PasswordPolicy: tt.policy, RootMFAEnabled: true})
			if !slices.Equal(keys(got), tt.want) {
				t.Fatalf("got %q, want %q", keys(got), tt.want)
			}
			if tt.msg != "" && !strings.Contains(got[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", got[0].Message, tt.msg)
			}
		})
	}
}

func TestAttachedPolicies(t *testing.T) {
	got := Findings(Input{Now: now, PasswordPolicy: fixturePolicy, RootMFAEnabled: true,
		UsersWithAttachedPolicies: []string{"zoe", "", "amy", "zoe"}})
	if want := []string{"1.15 amy", "1.15 zoe"}; !slices.Equal(keys(got), want) {
		t.Errorf("got %q, want %q", keys(got), want)
	}
}

func TestFindingsDeterministic(t *testing.T) {
	in := fixtureInput(t)
	in.PasswordPolicy = nil
	in.RootMFAEnabled, in.RootAccessKeysPresent = false, true
	want := Findings(in)
	// Numeric control order: 1.4 < 1.5 < 1.8 < 1.9 < 1.10 < ... < 1.15.
	var controls []string
	for _, f := range want {
		controls = append(controls, f.Control)
	}
	controls = slices.Compact(controls)
	if w := []string{"1.4", "1.5", "1.8", "1.9", "1.10", "1.12", "1.13", "1.14", "1.15"}; !slices.Equal(controls, w) {
		t.Errorf("control order %q, want %q", controls, w)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		shuffled := in
		shuffled.Report = slices.Clone(in.Report)
		shuffled.UsersWithAttachedPolicies = slices.Clone(in.UsersWithAttachedPolicies)
		r.Shuffle(len(shuffled.Report), func(i, j int) { shuffled.Report[i], shuffled.Report[j] = shuffled.Report[j], shuffled.Report[i] })
		r.Shuffle(len(shuffled.UsersWithAttachedPolicies), func(i, j int) {
			shuffled.UsersWithAttachedPolicies[i], shuffled.UsersWithAttachedPolicies[j] = shuffled.UsersWithAttachedPolicies[j], shuffled.UsersWithAttachedPolicies[i]
		})
		if got := Findings(shuffled); !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d: findings differ:\n got %q\nwant %q", i, keys(got), keys(want))
		}
	}
}

func TestDuplicateReportRow(t *testing.T) {
	row := user("u", func(r *ReportRow) { r.PasswordEnabled, r.PasswordLastUsed = true, at(day) })
	got := Findings(Input{Now: now, Report: []ReportRow{row, row}, PasswordPolicy: fixturePolicy, RootMFAEnabled: true})
	if want := []string{"1.10 u"}; !slices.Equal(keys(got), want) {
		t.Errorf("got %q, want %q", keys(got), want)
	}
}

func TestCompareControls(t *testing.T) {
	ordered := []string{"", "1", "1.1", "1.2", "1.9", "1.10", "1.10.1", "1.15", "2.1", "10.1", "x"}
	for i := range ordered {
		for j := range ordered {
			got := compareControls(ordered[i], ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("compareControls(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestCountByControl(t *testing.T) {
	got := CountByControl(Findings(fixtureInput(t)))
	want := map[string]int{"1.4": 0, "1.5": 0, "1.8": 0, "1.9": 0, "1.10": 2, "1.12": 5, "1.13": 1, "1.14": 3, "1.15": 2}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := CountByControl(nil); len(got) != len(Controls) {
		t.Errorf("empty: got %v, want every control at 0", got)
	}
}

func TestControls(t *testing.T) {
	ids := make([]string, len(Controls))
	for i, c := range Controls {
		ids[i] = c.ID
		if c.Title == "" || c.Description == "" {
			t.Errorf("%s: missing title or description", c.ID)
		}
	}
	if !slices.IsSortedFunc(ids, compareControls) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Errorf("Controls not in numeric order or not unique: %q", ids)
	}
	// Every control Findings can report is documented.
	in := fixtureInput(t)
	in.PasswordPolicy, in.RootMFAEnabled, in.RootAccessKeysPresent = nil, false, true
	for _, f := range Findings(in) {
		if !slices.Contains(ids, f.Control) {
			t.Errorf("finding for undocumented control %s", f.Control)
		}
	}
}

// benchReport is a 1,000-user report with a mix of every case.
func benchReport(b *testing.B) []ReportRow {
	var sb strings.Builder
	sb.WriteString(fixtureHeader + "\n")
	sb.WriteString("<root_account>,arn:aws:iam::111111111111:root," + daysAgo(900) + ",not_supported,no_information,not_supported,not_supported,true," + noKey + "," + noKey + "," + noCerts + "\n")
	for i := range 1000 {
		name := fmt.Sprintf("user-%04d", i)
		fmt.Fprintf(&sb, "%s,arn:aws:iam::111111111111:user/%s,%s,%t,%s,%s,N/A,%t,true,%s,%s,us-east-1,s3,%t,%s,N/A,N/A,N/A,%s\n",
			name, name, daysAgo(400+i%50), i%2 == 0, daysAgo(i%100), daysAgo(i%200), i%3 == 0,
			daysAgo(i%150), daysAgo(i%60), i%5 == 0, daysAgo(i%120), noCerts)
	}
	return mustParse(b, sb.String())
}

func BenchmarkFindings(b *testing.B) {
	in := Input{Now: now, Report: benchReport(b), PasswordPolicy: fixturePolicy, RootMFAEnabled: true,
		UsersWithAttachedPolicies: []string{"user-0001", "user-0500"}}
	b.ReportAllocs()
	for b.Loop() {
		Findings(in)
	}
}

func BenchmarkParseCredentialReport(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(fixtureHeader + "\n")
	for i := range 1000 {
		fmt.Fprintf(&sb, "user-%04d,arn:aws:iam::111111111111:user/user-%04d,%s,true,%s,%s,N/A,true,true,%s,%s,us-east-1,s3,%s,%s\n",
			i, i, daysAgo(400), daysAgo(i%100), daysAgo(200), daysAgo(i%150), daysAgo(i%60), noKey, noCerts)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCredentialReport(data); err != nil {
			b.Fatal(err)
		}
	}
}
