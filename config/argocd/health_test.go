// Package argocd holds the Argo CD health checks for the project's kinds. The scripts
// are Lua files run by Argo CD; these tests run them the way Argo CD does and keep the
// argocd-cm snippet that installs them identical to the files.
package argocd

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// kinds maps each kind to its health script; Argo CD needs one script per kind.
var kinds = []struct{ kind, file string }{
	{"AccountBaseline", "health-accountbaseline.lua"},
	{"TeamMember", "health-teammember.lua"},
	{"AssumableRole", "health-assumablerole.lua"},
}

const patchFile = "argocd-cm-patch.yaml"

func readScript(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// configMapKey is the argocd-cm key Argo CD looks a health script up by.
func configMapKey(kind string) string {
	return "resource.customizations.health.iam.baseline.dev_" + kind
}

// renderPatch builds argocd-cm-patch.yaml from the .lua files. The file is checked in
// (people apply it without Go), and TestConfigMapPatchUpToDate fails when it differs.
func renderPatch(t *testing.T) string {
	var b strings.Builder
	b.WriteString(`# Installs the Argo CD health checks for iam.baseline.dev. Generated from the
# health-*.lua files next to it: edit those, then run
#   UPDATE_ARGOCD_CM=1 go test ./config/argocd/ -run TestConfigMapPatchUpToDate
# Apply with: kubectl -n argocd patch configmap argocd-cm --type merge --patch-file argocd-cm-patch.yaml
# (or list it under patches: in the kustomization that installs Argo CD).
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
`)
	for _, k := range kinds {
		fmt.Fprintf(&b, "  %s: |\n", configMapKey(k.kind))
		script := readScript(t, k.file)
		for _, line := range strings.SplitAfter(script, "\n") {
			// Empty lines stay empty inside a block scalar: no trailing spaces.
			if line == "\n" || line == "" {
				b.WriteString(line)
				continue
			}
			b.WriteString("    " + line)
		}
	}
	return b.String()
}

func TestConfigMapPatchUpToDate(t *testing.T) {
	want := renderPatch(t)
	if os.Getenv("UPDATE_ARGOCD_CM") != "" {
		if err := os.WriteFile(patchFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(patchFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("%s is out of date with the .lua files; run UPDATE_ARGOCD_CM=1 go test ./config/argocd/\n%s",
			patchFile, firstDiff(string(got), want))
	}

	// Independently of the rendering, YAML must give back each script byte for byte
	// (a block scalar silently eats trailing blank lines or tabs if the script has them).
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict(got, &cm); err != nil {
		t.Fatal(err)
	}
	if len(cm.Data) != len(kinds) {
		t.Errorf("argocd-cm patch has %d keys, want %d", len(cm.Data), len(kinds))
	}
	for _, k := range kinds {
		if cm.Data[configMapKey(k.kind)] != readScript(t, k.file) {
			t.Errorf("%s in %s is not byte-identical to %s", configMapKey(k.kind), patchFile, k.file)
		}
	}
}

// firstDiff shows the first differing line, enough to see what drifted.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n- %s: %q\n+ rendered: %q", i+1, patchFile, gl, wl)
		}
	}
	return ""
}

// TestScriptsShareOneBody: the kinds follow the same conditions convention, so their
// scripts differ only in the leading comment naming the kind.
func TestScriptsShareOneBody(t *testing.T) {
	body := func(s string) string {
		lines := strings.SplitAfter(s, "\n")
		if len(lines) > 2 && strings.HasPrefix(lines[0], "-- Argo CD health check for") {
			lines = lines[2:] // the two-line header
		}
		return strings.Join(lines, "")
	}
	first := body(readScript(t, kinds[0].file))
	for _, k := range kinds[1:] {
		if body(readScript(t, k.file)) != first {
			t.Errorf("%s differs from %s beyond its header", k.file, kinds[0].file)
		}
	}
}

// toLua converts a decoded Kubernetes object the way Argo CD does: objects become
// tables, arrays 1-based tables, integers and floats LNumber.
func toLua(t *testing.T, L *lua.LState, v any) lua.LValue {
	switch v := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case string:
		return lua.LString(v)
	case int64:
		return lua.LNumber(v)
	case int:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case []any:
		tbl := L.CreateTable(len(v), 0)
		for _, item := range v {
			tbl.Append(toLua(t, L, item))
		}
		return tbl
	case map[string]any:
		tbl := L.CreateTable(0, len(v))
		for key, item := range v {
			tbl.RawSetString(key, toLua(t, L, item))
		}
		return tbl
	}
	t.Fatalf("no Lua conversion for %T", v)
	return lua.LNil
}

// runHealth runs a script as Argo CD runs a custom health check: only the package,
// base and table libraries (no string library), a one-second budget, `obj` global.
func runHealth(t *testing.T, script string, obj map[string]any) (status, message string) {
	t.Helper()
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for name, open := range map[string]lua.LGFunction{
		lua.LoadLibName: lua.OpenPackage, lua.BaseLibName: lua.OpenBase, lua.TabLibName: lua.OpenTable,
	} {
		if err := L.CallByParam(lua.P{Fn: L.NewFunction(open), Protect: true}, lua.LString(name)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	L.SetContext(ctx)
	L.SetGlobal("obj", toLua(t, L, obj))
	if err := L.DoString(script); err != nil {
		t.Fatalf("script failed: %v", err)
	}
	ret, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		t.Fatalf("script returned %s, want a table", L.Get(-1).Type())
	}
	st, ok1 := ret.RawGetString("status").(lua.LString)
	msg, ok2 := ret.RawGetString("message").(lua.LString)
	if !ok1 || !ok2 {
		t.Fatalf("script returned status %v and message %v, want two strings", ret.RawGetString("status"), ret.RawGetString("message"))
	}
	return string(st), string(msg)
}

// object decodes a sample object from YAML the way the API server's JSON reaches
// Argo CD (integers as int64), at metadata.generation 2.
func object(t *testing.T, kind, status string) map[string]any {
	t.Helper()
	ns := "  namespace: team-a\n"
	if kind == "AccountBaseline" {
		ns = "" // cluster-scoped
	}
	doc := "apiVersion: iam.baseline.dev/v1alpha1\nkind: " + kind + "\nmetadata:\n  name: sample\n" + ns +
		"  generation: 2\nspec:\n  accountRef: prod\n" + status
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatalf("sample YAML: %v\n%s", err, doc)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	return u.Object
}

// cond renders one condition as YAML inside status.conditions.
func cond(ctype, status string, gen int, reason, message string) string {
	s := fmt.Sprintf("  - type: %s\n    status: %q\n    reason: %s\n    lastTransitionTime: \"2026-01-01T00:00:00Z\"\n", ctype, status, reason)
	if gen > 0 {
		s += fmt.Sprintf("    observedGeneration: %d\n", gen)
	}
	if message != "" {
		s += fmt.Sprintf("    message: %q\n", message)
	}
	return s
}

func status(observedGeneration int, conditions ...string) string {
	s := "status:\n"
	if observedGeneration > 0 {
		s += fmt.Sprintf("  observedGeneration: %d\n", observedGeneration)
	}
	if len(conditions) > 0 {
		s += "  conditions:\n" + strings.Join(conditions, "")
	}
	return s
}

func TestHealth(t *testing.T) {
	cases := []struct {
		name        string
		status      func(kind string) string
		wantStatus  string
		wantMessage func(kind string) string
	}{{
		name:        "no status",
		status:      func(string) string { return "" },
		wantStatus:  "Progressing",
		wantMessage: fixed("Waiting for the operator to report status"),
	}, {
		name:        "empty status",
		status:      func(string) string { return "status: {}\n" },
		wantStatus:  "Progressing",
		wantMessage: fixed("Waiting for the operator to observe generation 2"),
	}, {
		name: "reconciling",
		status: func(kind string) string {
			return status(2,
				cond("Ready", "False", 2, "Progressing", "creating the "+kind),
				cond("Reconciling", "True", 2, "Progressing", "creating the "+kind))
		},
		wantStatus:  "Progressing",
		wantMessage: func(kind string) string { return "Reconciling: Progressing: creating the " + kind },
	}, {
		name: "ready, current generation",
		status: func(kind string) string {
			return status(2,
				cond("Ready", "True", 2, "Reconciled", kind+" matches AWS"),
				cond("Reconciling", "False", 2, "Reconciled", ""),
				cond("Stalled", "False", 2, "Reconciled", ""))
		},
		wantStatus:  "Healthy",
		wantMessage: func(kind string) string { return kind + " matches AWS" },
	}, {
		name:        "ready without a message",
		status:      func(string) string { return status(2, cond("Ready", "True", 2, "Reconciled", "")) },
		wantStatus:  "Healthy",
		wantMessage: fixed("Ready"),
	}, {
		name: "ready for an older generation",
		status: func(kind string) string {
			return status(1, cond("Ready", "True", 1, "Reconciled", kind+" matches AWS"))
		},
		wantStatus:  "Progressing",
		wantMessage: fixed("Waiting for the operator to observe generation 2 (status describes generation 1)"),
	}, {
		name: "ready condition older than status",
		status: func(kind string) string {
			return status(2, cond("Ready", "True", 1, "Reconciled", kind+" matches AWS"))
		},
		wantStatus:  "Progressing",
		wantMessage: fixed("Waiting for the Ready condition to describe generation 2"),
	}, {
		name: "ready but reconciling again",
		status: func(kind string) string {
			return status(2,
				cond("Ready", "True", 2, "Reconciled", kind+" matches AWS"),
				cond("Reconciling", "True", 2, "DriftDetected", "repairing a change made in the console"))
		},
		wantStatus:  "Progressing",
		wantMessage: fixed("Reconciling: DriftDetected: repairing a change made in the console"),
	}, {
		name: "stalled",
		status: func(kind string) string {
			return status(2,
				cond("Ready", "False", 2, "OwnedByAnotherObject", "owned by "+kind+"/team-b/other"),
				cond("Stalled", "True", 2, "OwnedByAnotherObject", "owned by "+kind+"/team-b/other"))
		},
		wantStatus:  "Degraded",
		wantMessage: func(kind string) string { return "owned by " + kind + "/team-b/other" },
	}, {
		name: "stalled without a message shows the reason",
		status: func(string) string {
			return status(2, cond("Stalled", "True", 2, "InvalidSpec", ""))
		},
		wantStatus:  "Degraded",
		wantMessage: fixed("InvalidSpec"),
	}, {
		name: "stalled on an older generation is not final",
		status: func(string) string {
			return status(1, cond("Stalled", "True", 1, "InvalidSpec", "bad policy"))
		},
		wantStatus:  "Progressing",
		wantMessage: fixed("Waiting for the operator to observe generation 2 (status describes generation 1)"),
	}, {
		name: "stale Stalled condition beside a current status",
		status: func(string) string {
			return status(2,
				cond("Ready", "False", 2, "AWSError", "throttled"),
				cond("Stalled", "True", 1, "InvalidSpec", "bad policy"))
		},
		wantStatus:  "Progressing",
		wantMessage: fixed("Not ready: AWSError: throttled"),
	}, {
		name: "ready false with a reason",
		status: func(kind string) string {
			return status(2, cond("Ready", "False", 2, "AccountNotReady", "AccountBaseline prod is not Ready"))
		},
		wantStatus:  "Progressing",
		wantMessage: fixed("Not ready: AccountNotReady: AccountBaseline prod is not Ready"),
	}, {
		name:        "ready unknown",
		status:      func(string) string { return status(2, cond("Ready", "Unknown", 2, "Progressing", "")) },
		wantStatus:  "Progressing",
		wantMessage: fixed("Not ready: Progressing"),
	}, {
		name:        "no Ready condition",
		status:      func(string) string { return status(2) },
		wantStatus:  "Progressing",
		wantMessage: fixed("Waiting for the Ready condition"),
	}}

	for _, k := range kinds {
		script := readScript(t, k.file)
		for _, tc := range cases {
			t.Run(k.kind+"/"+tc.name, func(t *testing.T) {
				gotStatus, gotMessage := runHealth(t, script, object(t, k.kind, tc.status(k.kind)))
				if gotStatus != tc.wantStatus || gotMessage != tc.wantMessage(k.kind) {
					t.Errorf("got %s %q, want %s %q", gotStatus, gotMessage, tc.wantStatus, tc.wantMessage(k.kind))
				}
			})
		}
	}
}

func fixed(s string) func(string) string { return func(string) string { return s } }
