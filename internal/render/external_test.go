package render

import (
	"testing"

	"github.com/google/cel-go/cel"

	"github.com/lgsp-vn/datashare-operator/internal/config"
)

// TestNationalKeysNeedTheClientCertificate evaluates the deny rule that
// keeps the national platform's keys to the national listener, with a CEL
// runtime, on requests as Envoy describes them after API key
// authentication: a National agency's key is denied without a verified
// client certificate and allowed with one; a provincial consumer is never
// denied; the rule is absent without a national listener or a National
// consumer.
func TestNationalKeysNeedTheClientCertificate(t *testing.T) {
	rules := config.Default().Rules
	rules.NationalListener = "national"
	auth := nationalOnly(ServiceInputs{Rules: rules, NationalConsumers: []string{"ndxp", "ndxp-2"}})
	if auth == nil || len(auth.Rules) != 1 || *auth.DefaultAction != "Allow" || auth.Rules[0].Action != "Deny" {
		t.Fatalf("want one deny rule over a default of allow, got %+v", auth)
	}
	env, err := cel.NewEnv(
		cel.Variable("connection", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("request", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		t.Fatal(err)
	}
	ast, iss := env.Compile(string(*auth.Rules[0].CEL))
	if iss.Err() != nil {
		t.Fatalf("the rule does not compile: %v", iss.Err())
	}
	program, err := env.Program(ast)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		consumer string // "" for no header
		mtls     bool
		deny     bool
	}{
		{"national key, no certificate", "ndxp.dat-dai.k1", false, true},
		{"second national agency, no certificate", "ndxp-2.dat-dai.k1", false, true},
		{"national key with the certificate", "ndxp.dat-dai.k1", true, false},
		{"provincial key, no certificate", "so-tnmt.dat-dai.k1", false, false},
		{"an agency whose name begins like a national one", "ndxp-3.dat-dai.k1", false, false},
		{"a name that only contains the national one", "x-ndxp.dat-dai.k1", false, false},
		{"no consumer header", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{}
			if tc.consumer != "" {
				headers["x-lgsp-consumer"] = tc.consumer
			}
			out, _, err := program.Eval(map[string]any{"connection": map[string]any{"mtls": tc.mtls}, "request": map[string]any{"headers": headers}})
			if err != nil {
				t.Fatal(err)
			}
			if got := out.Value() == true; got != tc.deny {
				t.Errorf("deny = %v, want %v", got, tc.deny)
			}
		})
	}

	for name, in := range map[string]ServiceInputs{
		"no national listener": {Rules: config.Default().Rules, NationalConsumers: []string{"ndxp"}},
		"no National consumer": {Rules: rules},
	} {
		if got := nationalOnly(in); got != nil {
			t.Errorf("%s: want no rule, got %+v", name, got)
		}
	}
}
