package labels

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryValueHasAVietnameseLabel reads the API's source for its
// constants of each labelled type: a reason or enum value added to the API
// without a label here fails.
func TestEveryValueHasAVietnameseLabel(t *testing.T) {
	kinds := map[string]Kind{"ConditionReason": Reason, "FocalPointRole": Role, "Classification": Classification,
		"Audience": Audience, "AgencyLevel": Level}
	files, err := filepath.Glob(filepath.Join("..", "..", "api", "v1alpha1", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok || spec.Type == nil || len(spec.Values) != 1 {
				return true
			}
			typ, ok := spec.Type.(*ast.Ident)
			if !ok || kinds[typ.Name] == "" {
				return true
			}
			lit, ok := spec.Values[0].(*ast.BasicLit)
			if !ok {
				return true
			}
			value, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			found++
			kind := kinds[typ.Name]
			if !Known(kind, value) {
				t.Errorf("%s %s (%s) has no label", kind, value, spec.Names[0].Name)
			} else if vi, en := Label(Vietnamese, kind, value), Label(English, kind, value); vi == en && vi == value {
				t.Errorf("%s %s: the Vietnamese label is the English value", kind, value)
			}
			return true
		})
	}
	if found < 70 {
		t.Errorf("found %d labelled constants in api/v1alpha1: the parse missed them", found)
	}
}

func TestLabel(t *testing.T) {
	for _, tc := range []struct {
		lang  string
		kind  Kind
		value string
		want  string
	}{
		{Vietnamese, Reason, "AwaitingProviderConsent", "Chờ bên cung cấp đồng ý"},
		{English, Reason, "AwaitingProviderConsent", "Awaiting the provider's consent"},
		{Vietnamese, Audience, "Province", "Trong tỉnh"},
		{Vietnamese, Level, "Province", "Cấp tỉnh"},
		{"", Role, "Primary", "Đầu mối chính"},
		{Vietnamese, Reason, "SomethingNew", "SomethingNew"},
	} {
		if got := Label(tc.lang, tc.kind, tc.value); got != tc.want {
			t.Errorf("Label(%q, %s, %s) = %q, want %q", tc.lang, tc.kind, tc.value, got, tc.want)
		}
	}
}
