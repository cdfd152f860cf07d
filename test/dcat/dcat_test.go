// Package dcat validates the portal's DCAT-AP catalogue against the
// official DCAT-AP 3.0.1 SHACL shapes (testdata/dcat-ap-3.0.1, CC-BY 4.0,
// see its NOTICE) with rdf-validate-shacl, run by hack/shacl.
package dcat

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/manifests"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/national"
	"github.com/lgsp-vn/datashare-operator/internal/portal"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

const base = "https://du-lieu.example.gov.vn"

// validate runs the SHACL engine on a file and returns its report and
// whether the data conforms.
func validate(t *testing.T, data string) (string, bool) {
	t.Helper()
	root := testenv.RepoRoot()
	if _, err := os.Stat(filepath.Join(root, "hack", "shacl", "node_modules", "rdf-validate-shacl")); err != nil {
		t.Fatal("hack/shacl/node_modules is missing: run `make test`, which installs it with npm ci")
	}
	shapes := filepath.Join("testdata", "dcat-ap-3.0.1")
	cmd := exec.Command("node", filepath.Join(root, "hack", "shacl", "validate.mjs"),
		filepath.Join(shapes, "dcat-ap-SHACL.ttl"), filepath.Join(shapes, "ranges.ttl"), "--", data)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
		t.Fatalf("the validator failed: %v\n%s", err, out.String())
	}
	return out.String(), err == nil
}

func write(t *testing.T, name string, render func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := render(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// samples reads the sample agencies and services, published as the
// operator publishes them (status.url under the sample's base URL).
func samples(t *testing.T) ([]v1alpha1.Agency, []v1alpha1.DataService) {
	t.Helper()
	var agencies []v1alpha1.Agency
	var services []v1alpha1.DataService
	for _, file := range []string{"01-agencies.yaml", "03-dataservices.yaml"} {
		raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "samples", file))
		if err != nil {
			t.Fatal(err)
		}
		objs, err := manifests.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			switch o.GetKind() {
			case "Agency":
				var a v1alpha1.Agency
				if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &a); err != nil {
					t.Fatal(err)
				}
				agencies = append(agencies, a)
			case "DataService":
				var ds v1alpha1.DataService
				if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &ds); err != nil {
					t.Fatal(err)
				}
				services = append(services, ds)
			}
		}
	}
	for i := range services {
		ds := &services[i]
		ds.Status.URL = names.ServiceURL(testenv.SampleBaseURL, names.PathPrefix(ds, ds.Namespace))
	}
	return agencies, services
}

// largeProvince is 100 agencies with 10 services each, one in five of them
// open data.
func largeProvince() ([]v1alpha1.Agency, []v1alpha1.DataService) {
	var agencies []v1alpha1.Agency
	var services []v1alpha1.DataService
	updated := metav1.NewTime(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	for a := range 100 {
		ns := fmt.Sprintf("co-quan-%03d", a)
		agencies = append(agencies, v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: ns},
			Spec: v1alpha1.AgencySpec{DisplayName: fmt.Sprintf("Cơ quan số %d", a), Namespace: v1alpha1.ObjectName(ns)}})
		for s := range 10 {
			ds := v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("dich-vu-%d", s)},
				Spec: v1alpha1.DataServiceSpec{Title: fmt.Sprintf("Dịch vụ %d của cơ quan %d", s, a), Description: "Mô tả dịch vụ dữ liệu.",
					Version: "v1", Classification: v1alpha1.ClassificationShared, Access: v1alpha1.Access{Audience: v1alpha1.AudienceProvince},
					DataOwner: &v1alpha1.Contact{Name: "Phòng Dữ liệu", Email: "du-lieu@example.gov.vn"}, Tags: []string{"thu-nghiem"}},
				Status: v1alpha1.DataServiceStatus{URL: fmt.Sprintf("https://lgsp.example.gov.vn/%s/dich-vu-%d/v1", ns, s)}}
			if s%5 == 0 {
				ds.Spec.Classification = v1alpha1.ClassificationOpen
				ds.Spec.Access.Audience = v1alpha1.AudiencePublic
				ds.Spec.OpenData = &v1alpha1.OpenData{License: "CC-BY-4.0", LastUpdated: &updated}
			}
			services = append(services, ds)
		}
	}
	return agencies, services
}

func TestTheCatalogueConformsToDCATAP(t *testing.T) {
	agencies, services := samples(t)
	large, largeServices := largeProvince()
	for _, tc := range []struct {
		name string
		in   portal.DCATInputs
	}{
		{"the samples, as anyone harvests them (open data)", portal.DCATInputs{Base: base, Agencies: agencies, Services: services, Publisher: "so-tttt"}},
		{"the samples, every published service (an officer)", portal.DCATInputs{Base: base, Agencies: agencies, Services: services, Publisher: "so-tttt", All: true}},
		{"a province of 100 agencies and 1,000 services", portal.DCATInputs{Base: base, Agencies: large, Services: largeServices, Publisher: "co-quan-000", All: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := portal.BuildDCAT(tc.in)
			for _, format := range []struct {
				file   string
				render func(*bytes.Buffer) error
			}{
				{"catalogue.ttl", func(b *bytes.Buffer) error { return c.Turtle(b) }},
				{"catalogue.jsonld", func(b *bytes.Buffer) error { return c.JSONLD(b) }},
			} {
				report, ok := validate(t, write(t, format.file, format.render))
				last := report[strings.LastIndex(strings.TrimSpace(report), "\n")+1:]
				if !ok || !strings.Contains(report, "conforms: true, violations: 0") {
					t.Errorf("%s does not conform to DCAT-AP 3.0.1:\n%s", format.file, report)
				}
				t.Logf("%s: %s", format.file, strings.TrimSpace(last))
			}
		})
	}
}

// TestTheValidatorCatchesAMissingTitle: the check can fail.
func TestTheValidatorCatchesAMissingTitle(t *testing.T) {
	agencies, services := samples(t)
	var b bytes.Buffer
	if err := portal.BuildDCAT(portal.DCATInputs{Base: base, Agencies: agencies, Services: services, Publisher: "so-tttt"}).Turtle(&b); err != nil {
		t.Fatal(err)
	}
	var kept []string
	removed := 0
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.Contains(line, "#dataset> <http://purl.org/dc/terms/title>") {
			removed++
			continue
		}
		kept = append(kept, line)
	}
	if removed == 0 {
		t.Fatal("the samples' catalogue has no dataset title to remove")
	}
	path := filepath.Join(t.TempDir(), "broken.ttl")
	if err := os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	report, ok := validate(t, path)
	if ok || !strings.Contains(report, "http://purl.org/dc/terms/title: Less than 1 values") {
		t.Fatalf("a dataset without its title passed:\n%s", report)
	}
	t.Logf("refused as it should be:\n%s", report)
}

// TestTheCatalogueCarriesWhatAHarvesterNeeds checks the samples' feed, as
// an officer harvests it, against the project's shapes of the properties
// DCAT-AP recommends (testdata/recommended): access rights on every
// service (Restricted is NON_PUBLIC, never taken for open data), keywords,
// contact points, licences, and the DIC's Agency as the catalogue's
// publisher. Without the samples' data owners the same shapes fail.
func TestTheCatalogueCarriesWhatAHarvesterNeeds(t *testing.T) {
	agencies, services := samples(t)
	shapes := filepath.Join("testdata", "recommended", "recommended.ttl")
	check := func(services []v1alpha1.DataService) (string, bool) {
		c := portal.BuildDCAT(portal.DCATInputs{Base: base, Agencies: agencies, Services: services, Publisher: "so-tttt", All: true})
		data := write(t, "catalogue.ttl", func(b *bytes.Buffer) error { return c.Turtle(b) })
		out, err := exec.Command("node", filepath.Join(testenv.RepoRoot(), "hack", "shacl", "validate.mjs"), shapes, "--", data).CombinedOutput()
		if code := exitCode(err); code != 0 && code != 1 {
			t.Fatalf("the validator failed: %v\n%s", err, out)
		}
		turtle, _ := os.ReadFile(data)
		return string(out) + "\n" + string(turtle), err == nil
	}
	report, ok := check(services)
	if !ok {
		t.Fatalf("the samples' feed lacks what a harvester needs:\n%s", report)
	}
	for _, want := range []string{
		`<` + base + `/dcat#catalogue> <http://purl.org/dc/terms/publisher> <` + base + `/directory#so-tttt> .`,
		`<` + base + `/services/so-yte/ho-so-suc-khoe#service> <http://purl.org/dc/terms/accessRights> <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> .`,
		`<` + base + `/services/so-tnmt/quan-trac-moi-truong#service> <http://purl.org/dc/terms/license> <https://spdx.org/licenses/CC-BY-4.0> .`,
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the feed does not say %s", want)
		}
	}
	stripped := slices.Clone(services)
	for i := range stripped {
		stripped[i].Spec.DataOwner = nil
	}
	if report, ok := check(stripped); ok || !strings.Contains(report, "a service with a data owner names it as its contact point") {
		t.Fatalf("services without contact points passed the shapes:\n%s", report)
	}
}

func exitCode(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestTheNationalCatalogConformsToDCATAP validates the national catalog of
// the samples (the national platform registered and endorsed by the DIC for
// so-tnmt/dat-dai, which so-tnmt consents to) against the official DCAT-AP
// 3.0.1 shapes and the project's recommended ones: the offered service with
// its legal basis, data elements and contact, and the open data; nothing
// else.
func TestTheNationalCatalogConformsToDCATAP(t *testing.T) {
	agencies, services := samples(t)
	c := national.Build(national.Inputs{Agencies: agencies, Services: services, Publisher: "so-tttt", Now: time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)})
	var ids []string
	for _, s := range c.Services {
		ids = append(ids, s.ID)
	}
	if want := []string{"so-tnmt/dat-dai", "so-tnmt/quan-trac-moi-truong"}; !slices.Equal(ids, want) {
		t.Fatalf("the national catalog lists %v, want %v", ids, want)
	}
	data := write(t, "national.ttl", func(b *bytes.Buffer) error { return portal.BuildNationalDCAT(base, c).Turtle(b) })
	report, ok := validate(t, data)
	if !ok || !strings.Contains(report, "conforms: true, violations: 0") {
		t.Errorf("the national catalog does not conform to DCAT-AP 3.0.1:\n%s", report)
	}
	out, err := exec.Command("node", filepath.Join(testenv.RepoRoot(), "hack", "shacl", "validate.mjs"),
		filepath.Join("testdata", "recommended", "recommended.ttl"), "--", data).CombinedOutput()
	if err != nil {
		t.Errorf("the national catalog lacks what a harvester needs: %v\n%s", err, out)
	}
	turtle, _ := os.ReadFile(data)
	for _, want := range []string{
		`<` + base + `/services/so-tnmt/dat-dai#service> <http://data.europa.eu/r5r/applicableLegislation> <` + base + `/services/so-tnmt/dat-dai#service-legal-basis-2> .`,
		`<` + base + `/services/so-tnmt/dat-dai#service-element-DD.ThuaDat.SoHieu> <http://purl.org/dc/terms/identifier> "DD.ThuaDat.SoHieu" .`,
	} {
		if !strings.Contains(string(turtle), want) {
			t.Errorf("the national catalog does not say %s", want)
		}
	}
	t.Logf("%d services: %s", len(c.Services), strings.TrimSpace(report[strings.LastIndex(strings.TrimSpace(report), "\n")+1:]))
}
