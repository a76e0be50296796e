package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// api is the parsed API package.
type api struct {
	pkg   *doc.Package
	types map[string]*typeInfo
	order []string // type names in source order
	group string
	// inlined are the types only ever seen embedded inline (CommonStatus): their
	// fields are rendered in the embedding struct.
	inlined map[string]bool
}

type typeInfo struct {
	Name    string
	Doc     string
	Markers []marker
	Spec    *ast.TypeSpec
	Consts  []constInfo // typed constants (enum values)
	Struct  *ast.StructType
}

type constInfo struct{ Name, Value, Doc string }

// field is one rendered row: a JSON field of a struct (inline embeds flattened).
type field struct {
	JSONName string
	Type     string
	Required bool
	Doc      string
	Markers  []marker
	Ref      string // local type the field refers to, if any
}

// Generate renders the API reference of the package in dir.
func Generate(dir string) ([]byte, error) {
	a, err := load(dir)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	a.render(&b)
	return b.Bytes(), nil
}

func load(dir string) (*api, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	fset := token.NewFileSet()
	var files []*ast.File
	for _, n := range names {
		base := filepath.Base(n)
		if strings.HasSuffix(base, "_test.go") || strings.HasPrefix(base, "zz_generated") {
			continue
		}
		src, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, base, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Go files in %s", dir)
	}
	// PreserveAST keeps struct field comments; AllDecls keeps everything documented.
	pkg, err := doc.NewFromFiles(fset, files, "api", doc.PreserveAST|doc.AllDecls)
	if err != nil {
		return nil, err
	}
	a := &api{pkg: pkg, types: map[string]*typeInfo{}, inlined: map[string]bool{}}
	_, pkgMarkers := splitDoc(pkg.Doc)
	for _, m := range pkgMarkers {
		if m.Name == "groupName" {
			a.group = m.Value
		}
	}
	// Markers live in the raw comments; go/doc's Doc text keeps them (they are not
	// //go: directives), so splitDoc separates them again.
	for _, t := range pkg.Types {
		ti := &typeInfo{Name: t.Name}
		ti.Doc, ti.Markers = splitDoc(t.Doc)
		for _, s := range t.Decl.Specs {
			if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.Name == t.Name {
				ti.Spec = ts
				if st, ok := ts.Type.(*ast.StructType); ok {
					ti.Struct = st
				}
			}
		}
		for _, c := range t.Consts {
			for _, s := range c.Decl.Specs {
				vs := s.(*ast.ValueSpec)
				d := vs.Doc.Text()
				if d == "" {
					d = vs.Comment.Text()
				}
				for i, n := range vs.Names {
					v := ""
					if i < len(vs.Values) {
						if bl, ok := vs.Values[i].(*ast.BasicLit); ok {
							v, _ = strconv.Unquote(bl.Value)
						}
					}
					ti.Consts = append(ti.Consts, constInfo{Name: n.Name, Value: v, Doc: d})
				}
			}
		}
		a.types[t.Name] = ti
	}
	// Source order (go/doc sorts by name): by position of the declaration.
	for name := range a.types {
		a.order = append(a.order, name)
	}
	sort.Slice(a.order, func(i, j int) bool {
		pi, pj := fset.Position(a.types[a.order[i]].Spec.Pos()), fset.Position(a.types[a.order[j]].Spec.Pos())
		if pi.Filename != pj.Filename {
			return pi.Filename < pj.Filename
		}
		return pi.Offset < pj.Offset
	})
	return a, nil
}

// kinds are the root types that are not lists, in source order.
func (a *api) kinds() []*typeInfo {
	var out []*typeInfo
	for _, n := range a.order {
		t := a.types[n]
		if hasMarker(t.Markers, "kubebuilder:object:root") && !strings.HasSuffix(n, "List") {
			out = append(out, t)
		}
	}
	return out
}

// fields flattens a struct's JSON fields, expanding inline embedded local types.
func (a *api) fields(t *typeInfo) []field {
	var out []field
	for _, f := range t.Struct.Fields.List {
		tag := ""
		if f.Tag != nil {
			s, _ := strconv.Unquote(f.Tag.Value)
			tag = reflect.StructTag(s).Get("json")
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if len(f.Names) == 0 && strings.Contains(","+opts+",", ",inline,") {
			if emb := a.types[typeName(f.Type)]; emb != nil && emb.Struct != nil {
				a.inlined[emb.Name] = true
				out = append(out, a.fields(emb)...)
			}
			continue // metav1.TypeMeta / ObjectMeta: rendered by the kind itself
		}
		if name == "" && len(f.Names) > 0 {
			name = f.Names[0].Name
		}
		if name == "metadata" && hasMarker(t.Markers, "kubebuilder:object:root") {
			continue // rendered with apiVersion and kind
		}
		d, ms := splitDoc(f.Doc.Text())
		optional := hasMarker(ms, "optional") || hasMarker(ms, "kubebuilder:validation:Optional") ||
			strings.Contains(","+opts+",", ",omitempty,")
		if hasMarker(ms, "kubebuilder:validation:Required") {
			optional = false
		}
		fl := field{JSONName: name, Required: !optional, Doc: d, Markers: ms}
		fl.Type, fl.Ref = a.typeString(f.Type)
		out = append(out, fl)
	}
	return out
}

// typeName is the name of a local type behind pointers and slices, or "".
func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.ArrayType:
		return typeName(e.Elt)
	}
	return ""
}

// external types the API uses, as the JSON they are.
var external = map[string]string{
	"metav1.Condition":     "[Condition](https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/#Condition)",
	"metav1.Time":          "time (RFC 3339)",
	"metav1.Duration":      "duration (Go syntax, e.g. `90m`, `2160h`)",
	"metav1.LabelSelector": "[LabelSelector](https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/)",
}

// typeString renders a field type as JSON sees it, linking local types.
func (a *api) typeString(e ast.Expr) (string, string) {
	switch e := e.(type) {
	case *ast.Ident:
		if t, ok := a.types[e.Name]; ok {
			return "[" + e.Name + "](#" + strings.ToLower(e.Name) + ")", t.Name
		}
		switch e.Name {
		case "int32", "int64", "int":
			return "integer", ""
		case "bool":
			return "boolean", ""
		}
		return e.Name, ""
	case *ast.StarExpr:
		return a.typeString(e.X)
	case *ast.ArrayType:
		s, ref := a.typeString(e.Elt)
		return "[]" + s, ref
	case *ast.MapType:
		k, _ := a.typeString(e.Key)
		v, ref := a.typeString(e.Value)
		return "map[" + k + "]" + v, ref
	case *ast.SelectorExpr:
		name := fmt.Sprint(e.X) + "." + e.Sel.Name
		if s, ok := external[name]; ok {
			return s, ""
		}
		return name, ""
	}
	return fmt.Sprintf("%T", e), ""
}

// reachable lists the local types a kind's spec and status use, depth first in
// field order, each once.
func (a *api) reachable(root *typeInfo, seen map[string]bool) []*typeInfo {
	var out []*typeInfo
	var walk func(t *typeInfo)
	walk = func(t *typeInfo) {
		if t == nil || seen[t.Name] {
			return
		}
		seen[t.Name] = true
		if t != root {
			out = append(out, t)
		}
		if t.Struct == nil {
			return
		}
		for _, f := range a.fields(t) {
			if f.Ref != "" {
				walk(a.types[f.Ref])
			}
		}
	}
	walk(root)
	return out
}

func (a *api) render(b *bytes.Buffer) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	version := a.pkg.Name
	pkgDoc, _ := splitDoc(a.pkg.Doc)
	p("# API reference: %s/%s\n\n", a.group, version)
	p("<!-- Generated by `go run ./hack/apidocs` (make docs) from api/%s. Do not edit by hand. -->\n\n", version)
	p("%s\n\n", strings.Join(strings.Fields(pkgDoc), " "))
	p("Every field below is shown with its JSON name. \"Required\" fields must be set; the\n")
	p("others are optional and, where a default is listed, the API server fills it in.\n")
	p("Constraints are enforced by the API server (OpenAPI schema and CEL rules) before the\n")
	p("operator sees the object.\n\n")

	kinds := a.kinds()
	p("| Kind | Scope | Short name | Categories |\n| --- | --- | --- | --- |\n")
	for _, k := range kinds {
		scope, short, cats := kindResource(k)
		p("| [%s](#%s) | %s | `%s` | `%s` |\n", k.Name, strings.ToLower(k.Name), scope, short, cats)
	}
	p("\n")

	seen := map[string]bool{}
	for _, k := range kinds {
		a.renderKind(b, k)
		for _, t := range a.reachable(k, seen) {
			a.renderType(b, t)
		}
	}
	// Shared types not reached from a kind's fields (enums used only by markers).
	var rest []*typeInfo
	for _, n := range a.order {
		t := a.types[n]
		if !seen[n] && !a.inlined[n] && !hasMarker(t.Markers, "kubebuilder:object:root") && (t.Struct != nil || len(t.Consts) > 0) {
			rest = append(rest, t)
		}
	}
	if len(rest) > 0 {
		p("## Other types\n\n")
		for _, t := range rest {
			a.renderType(b, t)
		}
	}
	a.renderConditions(b)
}

func kindResource(k *typeInfo) (scope, short, cats string) {
	scope = "Namespaced"
	for _, m := range k.Markers {
		if !strings.HasPrefix(m.Name, "kubebuilder:resource:") {
			continue
		}
		args := markerArgs(strings.TrimPrefix(m.Name, "kubebuilder:resource:") + "=" + m.Value)
		if args["scope"] != "" {
			scope = args["scope"]
		}
		short, cats = args["shortName"], args["categories"]
	}
	return scope, short, cats
}

func (a *api) renderKind(b *bytes.Buffer, k *typeInfo) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	scope, short, _ := kindResource(k)
	p("## %s\n\n", k.Name)
	p("%s\n\n", prose(k.Doc))
	scopeText := "namespaced"
	if scope == "Cluster" {
		scopeText = "cluster-scoped"
	}
	p("`apiVersion: %s/%s`, `kind: %s`; %s, short name `%s`", a.group, a.pkg.Name, k.Name, scopeText, short)
	if hasMarker(k.Markers, "kubebuilder:subresource:status") {
		p("; status is a subresource")
	}
	p(".\n\n")
	a.fieldTable(b, k)
	var cols [][4]string
	for _, m := range k.Markers {
		if m.Name == "kubebuilder:printcolumn:name" {
			args := markerArgs("name=" + m.Value)
			prio := ""
			if args["priority"] != "" && args["priority"] != "0" {
				prio = "`-o wide`"
			}
			cols = append(cols, [4]string{args["name"], args["type"], args["JSONPath"], prio})
		}
	}
	if len(cols) > 0 {
		p("`kubectl get` columns:\n\n| Column | Type | JSONPath | Shown |\n| --- | --- | --- | --- |\n")
		for _, c := range cols {
			shown := c[3]
			if shown == "" {
				shown = "always"
			}
			p("| %s | %s | %s | %s |\n", c[0], c[1], code(c[2]), shown)
		}
		p("\n")
	}
}

func (a *api) fieldTable(b *bytes.Buffer, t *typeInfo) {
	fs := a.fields(t)
	if len(fs) == 0 {
		return
	}
	fmt.Fprintf(b, "| Field | Type | Description |\n| --- | --- | --- |\n")
	if hasMarker(t.Markers, "kubebuilder:object:root") {
		fmt.Fprintf(b, "| `apiVersion` | string | `%s/%s` |\n", a.group, a.pkg.Name)
		fmt.Fprintf(b, "| `kind` | string | `%s` |\n", t.Name)
		fmt.Fprintf(b, "| `metadata` | [ObjectMeta](https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/) | Standard object metadata. |\n")
	}
	for _, f := range fs {
		var parts []string
		if f.Required {
			parts = append(parts, "**Required.**")
		}
		if f.Doc != "" {
			parts = append(parts, prose(f.Doc))
		}
		for _, c := range constraints(f.Markers) {
			if c == "Immutable." && strings.Contains(f.Doc, "Immutable") {
				continue // the comment says so already
			}
			parts = append(parts, c)
		}
		d := strings.Join(parts, " ")
		if d == "" {
			d = "&nbsp;"
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", f.JSONName, f.Type, d)
	}
	fmt.Fprintln(b)
}

func (a *api) renderType(b *bytes.Buffer, t *typeInfo) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("### %s\n\n", t.Name)
	if t.Doc != "" {
		p("%s\n\n", prose(t.Doc))
	}
	if t.Struct == nil {
		under, _ := a.typeString(t.Spec.Type)
		p("Type: %s.", under)
		if cs := constraints(t.Markers); len(cs) > 0 {
			p(" %s", strings.Join(cs, " "))
		}
		p("\n\n")
		if len(t.Consts) > 0 {
			p("| Value | Meaning |\n| --- | --- |\n")
			for _, c := range t.Consts {
				p("| `%s` | %s |\n", c.Value, prose(c.Doc))
			}
			p("\n")
		}
		return
	}
	if cs := constraints(t.Markers); len(cs) > 0 {
		p("%s\n\n", strings.Join(cs, " "))
	}
	a.fieldTable(b, t)
}

// kstatus explains the standard condition types, which share one comment in the API.
var kstatus = map[string]string{
	"Ready":       "The summary: True when the last reconcile of the current generation finished (under Observe: AWS was read, and Drifted tells whether it matches).",
	"Reconciling": "True while work is under way; its reason and message say what is being waited for.",
	"Stalled":     "True when progress needs a change to the spec, or to AWS by a person; the message says what to change.",
}

// renderConditions lists the condition types and reasons (untyped string constants
// named Condition* and Reason*), which alerts and tests match on.
func (a *api) renderConditions(b *bytes.Buffer) {
	type entry struct{ name, value, doc string }
	var conds, reasons []entry
	for _, v := range a.pkg.Consts {
		for _, s := range v.Decl.Specs {
			vs := s.(*ast.ValueSpec)
			d := vs.Doc.Text()
			if d == "" {
				d = vs.Comment.Text()
			}
			for i, n := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				bl, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					continue
				}
				val, _ := strconv.Unquote(bl.Value)
				switch {
				case strings.HasPrefix(n.Name, "Condition"):
					conds = append(conds, entry{n.Name, val, d})
				case strings.HasPrefix(n.Name, "Reason"):
					reasons = append(reasons, entry{n.Name, val, d})
				}
			}
		}
	}
	if len(conds) == 0 {
		return
	}
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("## Conditions\n\n")
	p("Every kind reports `Ready`, `Reconciling` and `Stalled` (the kstatus conventions\n")
	p("Argo CD and Flux read) plus its own conditions, each with `observedGeneration`.\n\n")
	p("| Type | Meaning |\n| --- | --- |\n")
	for _, c := range conds {
		d := c.doc
		if d == "" {
			d = kstatus[c.value]
		}
		p("| `%s` | %s |\n", c.value, prose(d))
	}
	p("\n")
	if len(reasons) > 0 {
		vals := make([]string, 0, len(reasons))
		for _, r := range reasons {
			vals = append(vals, "`"+r.value+"`")
		}
		p("Reasons are CamelCase and stable (alerts and tests match on them): %s.\n", strings.Join(vals, ", "))
	}
}
