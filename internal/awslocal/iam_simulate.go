package awslocal

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
	"github.com/iam-baseline/operator/internal/policy/eval"
)

// IAM's policy simulator (SimulatePrincipalPolicy, SimulateCustomPolicy),
// answered by internal/policy/eval over the policies this account stores:
// one result per (action, resource) pair, in that order, paged with MaxItems
// and Marker, with the statements that matched and where they sit in their
// document (line and column, from 1), as IAM reports them.

// Simulation limits from the IAM API reference.
const maxSimulatedResources = 1000

type simulationResultXML struct {
	EvaluationResults []evaluationResultXML `xml:"EvaluationResults>member"`
	pageInfo
}

type evaluationResultXML struct {
	EvalActionName                    string
	EvalResourceName                  string
	EvalDecision                      string
	MatchedStatements                 []matchedStatementXML `xml:"MatchedStatements>member"`
	MissingContextValues              []string              `xml:"MissingContextValues>member"`
	EvalDecisionDetails               []decisionDetailXML   `xml:"EvalDecisionDetails>entry,omitempty"`
	PermissionsBoundaryDecisionDetail *boundaryDetailXML    `xml:",omitempty"`
}

type matchedStatementXML struct {
	SourcePolicyId   string
	SourcePolicyType string
	StartPosition    positionXML
	EndPosition      positionXML
}

type positionXML struct{ Line, Column int }

type decisionDetailXML struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type boundaryDetailXML struct{ AllowedByPermissionsBoundary bool }

// simPolicy is one document in a simulation: what eval needs, plus what the
// result reports about it.
type simPolicy struct {
	eval.Policy
	text       string
	sourceType string // user | group | role | aws-managed | user-managed | resource | none
}

func simulatePrincipalPolicy(c *call) (any, error) {
	src, err := c.p.required("PolicySourceArn")
	if err != nil {
		return nil, err
	}
	principal, policies, err := c.principalPolicies(src)
	if err != nil {
		return nil, err
	}
	inputs, err := c.inputPolicies("PolicyInputList", eval.Identity)
	if err != nil {
		return nil, err
	}
	return c.simulate(principal, append(policies, inputs...))
}

func simulateCustomPolicy(c *call) (any, error) {
	inputs, err := c.inputPolicies("PolicyInputList", eval.Identity)
	if err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return nil, errValidation("1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
	}
	boundaries, err := c.inputPolicies("PermissionsBoundaryPolicyInputList", eval.Boundary)
	if err != nil {
		return nil, err
	}
	return c.simulate(c.p.str("CallerArn"), append(inputs, boundaries...))
}

// principalPolicies collects what decides a user's, group's or role's
// permissions: its inline and attached policies, its groups' (for a user),
// and its permissions boundary.
func (c *call) principalPolicies(arn string) (string, []simPolicy, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" {
		return "", nil, errInvalidInput("ARN %s is not valid.", arn)
	}
	if parts[4] != c.acct.id {
		return "", nil, errNoSuchEntity("The entity %s cannot be found.", arn)
	}
	res := parts[5]
	name := res[strings.LastIndex(res, "/")+1:]
	var out []simPolicy
	add := func(h *policyHolder, typ string) {
		for _, n := range h.inlineNames() {
			out = append(out, c.simPolicy(n, eval.Identity, h.inline[n], typ))
		}
		for _, a := range h.attached {
			if p, err := c.lookupPolicy(a); err == nil {
				out = append(out, c.managedSimPolicy(p, eval.Identity))
			}
		}
	}
	boundary := ""
	switch {
	case strings.HasPrefix(res, "user/"):
		u, err := c.acct.getUser(name)
		if err != nil || c.acct.userARN(u) != arn {
			return "", nil, errNoSuchEntity("The user with name %s cannot be found.", name)
		}
		add(&u.policyHolder, "user")
		for _, gk := range u.groups {
			if g, ok := c.acct.groups[gk]; ok {
				add(&g.policyHolder, "group")
			}
		}
		boundary = u.boundary
	case strings.HasPrefix(res, "group/"):
		g, err := c.acct.getGroup(name)
		if err != nil || c.acct.groupARN(g) != arn {
			return "", nil, errNoSuchEntity("The group with name %s cannot be found.", name)
		}
		add(&g.policyHolder, "group")
	case strings.HasPrefix(res, "role/"):
		r, err := c.acct.getRole(name)
		if err != nil || c.acct.roleARN(r) != arn {
			return "", nil, errNoSuchEntity("The role with name %s cannot be found.", name)
		}
		add(&r.policyHolder, "role")
		boundary = r.boundary
	default:
		return "", nil, errInvalidInput("ARN %s is not a user, group or role.", arn)
	}
	if boundary != "" {
		if p, err := c.lookupPolicy(boundary); err == nil {
			out = append(out, c.managedSimPolicy(p, eval.Boundary))
		}
	}
	return arn, out, nil
}

func (c *call) managedSimPolicy(p *managedPolicy, kind eval.Kind) simPolicy {
	typ := "user-managed"
	if p.awsManaged {
		typ = "aws-managed"
	}
	return c.simPolicy(p.arn, kind, p.version(p.defaultVersion).doc, typ)
}

func (c *call) simPolicy(id string, kind eval.Kind, text, typ string) simPolicy {
	d, err := policy.Parse(text)
	if err != nil {
		d = nil // stored documents were validated on the way in; never widen on doubt
	}
	return simPolicy{Policy: eval.Policy{ID: id, Kind: kind, Document: d}, text: text, sourceType: typ}
}

// inputPolicies reads a list of policy documents given with the request.
func (c *call) inputPolicies(param string, kind eval.Kind) ([]simPolicy, error) {
	var out []simPolicy
	for i, text := range c.p.list(param) {
		if _, err := parsePolicy(text, identityPolicy, managedPolicySizeQuota, "PolicySize"); err != nil {
			return nil, err
		}
		out = append(out, c.simPolicy(param+"."+strconv.Itoa(i+1), kind, text, "none"))
	}
	return out, nil
}

// simulate evaluates every (action, resource) pair of the request.
func (c *call) simulate(principal string, policies []simPolicy) (any, error) {
	actions := c.p.list("ActionNames")
	if len(actions) == 0 {
		return nil, errValidation("1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	for _, a := range actions {
		if !strings.Contains(a, ":") || strings.ContainsAny(a, " *") {
			return nil, errInvalidInput("Invalid action name %s: an action is service:Operation, without wildcards.", a)
		}
	}
	resources := c.p.list("ResourceArns")
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	if len(resources) > maxSimulatedResources {
		return nil, errValidation("1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to %d", maxSimulatedResources)
	}
	for _, r := range resources {
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			return nil, errInvalidInput("Invalid resource ARN %s.", r)
		}
	}
	if text := c.p.str("ResourcePolicy"); text != "" {
		if _, err := parsePolicy(text, resourcePolicy, rolePolicySizeQuota, "ResourcePolicySize"); err != nil {
			return nil, err
		}
		policies = append(policies, c.simPolicy("ResourcePolicy", eval.Resource, text, "resource"))
	}
	if caller := c.p.str("CallerArn"); caller != "" {
		principal = caller
	}
	ctx, err := c.contextEntries()
	if err != nil {
		return nil, err
	}
	evalPolicies := make([]eval.Policy, len(policies))
	byID := map[string]simPolicy{}
	hasBoundary := false
	for i, p := range policies {
		evalPolicies[i] = p.Policy
		byID[p.ID] = p
		hasBoundary = hasBoundary || p.Kind == eval.Boundary
	}
	// ResourceOwner (arn:aws:iam::<account>:root) owns resources whose ARN
	// names no account, which decides cross-account evaluation.
	owner := c.p.str("ResourceOwner")
	if owner != "" && !strings.HasPrefix(owner, "arn:") {
		return nil, errInvalidInput("Invalid ResourceOwner %s: an account ARN such as arn:aws:iam::123456789012:root.", owner)
	}
	var results []evaluationResultXML
	for _, action := range actions {
		for _, res := range resources {
			d := eval.Evaluate(eval.Request{Principal: principal, Action: action, Resource: res, ResourceAccount: owner, Context: ctx}, evalPolicies)
			r := evaluationResultXML{
				EvalActionName: action, EvalResourceName: res, EvalDecision: string(d.Verdict),
				MatchedStatements: []matchedStatementXML{}, MissingContextValues: []string{},
			}
			for _, m := range d.Matched {
				p := byID[m.PolicyID]
				start, end := statementPosition(p.text, m.Index)
				r.MatchedStatements = append(r.MatchedStatements, matchedStatementXML{
					SourcePolicyId: m.PolicyID, SourcePolicyType: p.sourceType, StartPosition: start, EndPosition: end,
				})
			}
			r.MissingContextValues = append(r.MissingContextValues, d.MissingContext...)
			if hasBoundary {
				r.PermissionsBoundaryDecisionDetail = &boundaryDetailXML{AllowedByPermissionsBoundary: d.AllowedByBoundary}
			}
			if slicesHasKind(policies, eval.Resource) {
				r.EvalDecisionDetails = []decisionDetailXML{{Key: "ResourcePolicy", Value: resourceDecision(d)}}
			}
			results = append(results, r)
		}
	}
	page, info, err := paginate(c, results)
	if err != nil {
		return nil, err
	}
	return simulationResultXML{EvaluationResults: page, pageInfo: info}, nil
}

func slicesHasKind(ps []simPolicy, k eval.Kind) bool {
	for _, p := range ps {
		if p.Kind == k {
			return true
		}
	}
	return false
}

// resourceDecision is the resource-based policy's own answer.
func resourceDecision(d eval.Decision) string {
	verdict := string(eval.ImplicitDeny)
	for _, m := range d.Matched {
		if m.Kind != eval.Resource {
			continue
		}
		if m.Effect == policy.Deny {
			return string(eval.ExplicitDeny)
		}
		verdict = string(eval.Allowed)
	}
	return verdict
}

// contextEntries reads ContextEntries.member.N.{ContextKeyName,
// ContextKeyValues.member.M, ContextKeyType}.
func (c *call) contextEntries() (map[string][]string, error) {
	ctx := map[string][]string{}
	for i := 1; ; i++ {
		prefix := "ContextEntries.member." + strconv.Itoa(i)
		name := c.p.str(prefix + ".ContextKeyName")
		if name == "" {
			if c.p.has(prefix + ".ContextKeyType") {
				return nil, errValidation("1 validation error detected: Value null at 'contextEntries.%d.member.contextKeyName' failed to satisfy constraint: Member must not be null", i)
			}
			return ctx, nil
		}
		switch typ := c.p.str(prefix + ".ContextKeyType"); typ {
		case "string", "stringList", "numeric", "numericList", "boolean", "booleanList",
			"ip", "ipList", "binary", "binaryList", "date", "dateList":
		default:
			return nil, errValidation("1 validation error detected: Value '%s' at 'contextEntries.%d.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList, numeric, numericList, boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]", typ, i)
		}
		ctx[name] = append(ctx[name], c.p.list(prefix+".ContextKeyValues")...)
	}
}

// statementPosition finds statement index's first and last character in the
// document text, as 1-based line and column. Unknown positions are zero.
func statementPosition(text string, index int) (positionXML, positionXML) {
	start, end, ok := statementSpan(text, index)
	if !ok {
		return positionXML{}, positionXML{}
	}
	return lineColumn(text, start), lineColumn(text, end-1)
}

func statementSpan(text string, index int) (int, int, bool) {
	dec := json.NewDecoder(strings.NewReader(text))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, 0, false
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return 0, 0, false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return 0, 0, false
		}
		if k != "Statement" {
			continue
		}
		end := int(dec.InputOffset())
		base := end - len(raw)
		if len(raw) > 0 && raw[0] == '{' {
			return base, end, index == 0
		}
		inner := json.NewDecoder(strings.NewReader(string(raw)))
		if _, err := inner.Token(); err != nil {
			return 0, 0, false
		}
		for i := 0; inner.More(); i++ {
			var st json.RawMessage
			if err := inner.Decode(&st); err != nil {
				return 0, 0, false
			}
			if i == index {
				e := int(inner.InputOffset())
				return base + e - len(st), base + e, true
			}
		}
	}
	return 0, 0, false
}

func lineColumn(text string, offset int) positionXML {
	line, col := 1, 1
	for _, r := range text[:offset] {
		if r == '\n' {
			line, col = line+1, 1
			continue
		}
		col++
	}
	return positionXML{Line: line, Column: col}
}
