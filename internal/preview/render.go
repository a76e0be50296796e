package preview

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ExitCode is the plan command's exit status: 1 when an object is refused or AWS
// could not be read, 2 when something would change, 0 when nothing would.
func (r *Report) ExitCode() int {
	switch {
	case r.Counts.Refused > 0 || r.Counts.Errors > 0:
		return 1
	case r.Counts.Changes > 0:
		return 2
	default:
		return 0
	}
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

var actionSymbol = map[string]string{
	ActionCreate: "+", ActionUpdate: "~", ActionDelete: "-", ActionNoOp: "=",
	ActionRefused: "x", ActionWaiting: "…", ActionObserve: "?", ActionRetain: "·", ActionError: "!",
}

// WriteText writes the report for people: the security summary first, then each
// object with its changes (documents in canonical form, replacements as a diff),
// then one line of totals. The output is stable: the same plan prints the same text.
func (r *Report) WriteText(w io.Writer) error {
	b := &strings.Builder{}
	if len(r.Security) > 0 {
		fmt.Fprintln(b, "Security summary:")
		for _, f := range r.Security {
			fmt.Fprintf(b, "  ! [%s] %s: %s\n", f.Kind, f.Object, f.Message)
		}
		fmt.Fprintln(b)
	}
	if len(r.Guarantees) > 0 {
		fmt.Fprintln(b, "Guarantees after the change (offline IAM evaluator):")
		for _, g := range r.Guarantees {
			mark := "ok"
			if !g.Holds {
				mark = "BROKEN"
			}
			fmt.Fprintf(b, "  %s %s: %s\n", mark, g.Object, g.Message)
		}
		fmt.Fprintln(b)
	}
	for _, o := range r.Objects {
		name := o.Name
		if o.Namespace != "" {
			name = o.Namespace + "/" + o.Name
		}
		acct := ""
		if o.Account != "" && !strings.Contains(o.Resource, o.Account) {
			acct = " in account " + o.Account
		}
		fmt.Fprintf(b, "%s %s %s (%s%s): %s\n", actionSymbol[o.Action], o.Kind, name, o.Resource, acct, o.Action)
		if o.Message != "" {
			reason := ""
			if o.Reason != "" {
				reason = o.Reason + ": "
			}
			fmt.Fprintf(b, "    %s%s\n", reason, o.Message)
		}
		for _, c := range o.Changes {
			line := "    " + c.Action
			if c.Target != "" {
				line += " " + c.Target
			}
			if c.Detail != "" {
				line += " (" + c.Detail + ")"
			}
			fmt.Fprintln(b, line)
			switch {
			case len(c.Diff) > 0:
				for _, l := range c.Diff {
					fmt.Fprintln(b, "        "+l)
				}
			case c.Document != "":
				for _, l := range strings.Split(c.Document, "\n") {
					fmt.Fprintln(b, "        + "+l)
				}
			}
		}
	}
	c := r.Counts
	fmt.Fprintf(b, "\nPlan: %d AWS changes (%d objects to create or update, %d to delete), %d refused, %d waiting, %d errors.\n",
		c.Changes, c.Changed, c.Deleted, c.Refused, c.Waiting, c.Errors)
	_, err := io.WriteString(w, b.String())
	return err
}
