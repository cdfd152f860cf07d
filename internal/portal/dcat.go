package portal

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/national"
)

// The DCAT-AP 3 catalogue of the province's data services and open data,
// for national portals to harvest: dcat:Catalog, dcat:DataService with its
// endpoint, and a dcat:Dataset with its distribution for open data. It is
// written as plain triples, then as Turtle or JSON-LD.

const (
	nsRDF   = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsRDFS  = "http://www.w3.org/2000/01/rdf-schema#"
	nsDCAT  = "http://www.w3.org/ns/dcat#"
	nsDCT   = "http://purl.org/dc/terms/"
	nsFOAF  = "http://xmlns.com/foaf/0.1/"
	nsVCARD = "http://www.w3.org/2006/vcard/ns#"
	nsXSD   = "http://www.w3.org/2001/XMLSchema#"
)

// term is an IRI, or a literal with a language or a datatype.
type term struct {
	IRI              string
	Value, Lang, Typ string
}

func iri(s string) term                  { return term{IRI: s} }
func text(s, lang string) term           { return term{Value: s, Lang: lang} }
func typed(s, datatype string) term      { return term{Value: s, Typ: datatype} }
func dateTime(t time.Time) term          { return typed(t.UTC().Format(time.RFC3339), nsXSD+"dateTime") }
func (t term) isIRI() bool               { return t.IRI != "" }
func triple(s, p string, o term) [3]term { return [3]term{iri(s), iri(p), o} }

// catalogue is a graph of triples.
type catalogue struct {
	triples [][3]term
}

func (c *catalogue) add(s, p string, o term) { c.triples = append(c.triples, triple(s, p, o)) }

// agent describes an agency as a foaf:Agent of the directory and returns
// its IRI.
func (c *catalogue) agent(base, name, displayName string) string {
	id := base + "/directory#" + name
	c.add(id, nsRDF+"type", iri(nsFOAF+"Agent"))
	c.add(id, nsFOAF+"name", text(displayName, langVI))
	return id
}

// DCATInputs is what the catalogue describes.
type DCATInputs struct {
	// Base is the portal's address: every IRI of the catalogue is under it.
	Base     string
	Agencies []v1alpha1.Agency
	Services []v1alpha1.DataService
	// Publisher is the Agency that publishes the catalogue (the DIC).
	Publisher string
	// All includes every published service; otherwise only Public ones
	// (open data), which is what anyone may harvest.
	All bool
}

// spdxLicense is the IRI of a licence named by its SPDX id.
func spdxLicense(id string) string {
	if strings.Contains(id, "://") {
		return id
	}
	return "https://spdx.org/licenses/" + id
}

// BuildDCAT describes the catalogue.
func BuildDCAT(in DCATInputs) catalogue {
	var c catalogue
	base := strings.TrimSuffix(in.Base, "/")
	agencies := map[string]*v1alpha1.Agency{}
	for i := range in.Agencies {
		agencies[string(in.Agencies[i].Spec.Namespace)] = &in.Agencies[i]
	}
	agent := func(a *v1alpha1.Agency) string { return c.agent(base, a.Name, a.Spec.DisplayName) }
	cat := base + "/dcat#catalogue"
	c.add(cat, nsRDF+"type", iri(nsDCAT+"Catalog"))
	c.add(cat, nsDCT+"title", text("Danh mục dịch vụ dữ liệu và dữ liệu mở", langVI))
	c.add(cat, nsDCT+"title", text("Catalogue of data services and open data", langEN))
	c.add(cat, nsDCT+"description", text("Các dịch vụ chia sẻ dữ liệu qua nền tảng LGSP và dữ liệu mở của các cơ quan nhà nước trong tỉnh.", langVI))
	c.add(cat, nsDCT+"description", text("The data services shared through the LGSP and the open data of the province's state agencies.", langEN))
	publisher := ""
	for i := range in.Agencies {
		if in.Agencies[i].Name == in.Publisher {
			publisher = agent(&in.Agencies[i])
		}
	}
	if publisher == "" {
		// The DIC's Agency is not registered (yet): it is named by the
		// name the portal was given.
		publisher = base + "/directory#" + cmp.Or(in.Publisher, "lgsp")
		c.add(publisher, nsRDF+"type", iri(nsFOAF+"Agent"))
		c.add(publisher, nsFOAF+"name", text(cmp.Or(in.Publisher, "LGSP"), langVI))
	}
	c.add(cat, nsDCT+"publisher", iri(publisher))

	services := slices.Clone(in.Services)
	slices.SortFunc(services, func(a, b v1alpha1.DataService) int {
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	for i := range services {
		ds := &services[i]
		public := ds.Spec.Access.Audience == v1alpha1.AudiencePublic
		// Only what is published has an endpoint; only open data is for
		// anyone.
		if ds.Status.URL == "" || (!public && !in.All) {
			continue
		}
		page := fmt.Sprintf("%s/services/%s/%s", base, ds.Namespace, ds.Name)
		rights := national.AccessRights(ds.Spec.Classification)
		d := dcatService{Page: page, Title: ds.Spec.Title, Description: ds.Spec.Description, Endpoint: ds.Status.URL,
			Documentation: string(ds.Spec.DocumentationURL), AccessRights: rights, Keywords: ds.Spec.Tags}
		var owner string
		if a := agencies[ds.Namespace]; a != nil {
			owner = agent(a)
			d.Publisher = owner
		}
		if o := ds.Spec.DataOwner; o != nil {
			d.Contact = &national.Contact{Name: o.Name, Email: o.Email}
		}
		if od := ds.Spec.OpenData; od != nil {
			d.License = od.License
		}
		svc, contact, license := c.describeService(cat, d)
		if !public {
			continue
		}
		dataset := page + "#dataset"
		c.add(cat, nsDCAT+"dataset", iri(dataset))
		c.add(svc, nsDCAT+"servesDataset", iri(dataset))
		c.add(dataset, nsRDF+"type", iri(nsDCAT+"Dataset"))
		c.add(dataset, nsDCT+"title", text(ds.Spec.Title, langVI))
		c.add(dataset, nsDCT+"description", text(ds.Spec.Description, langVI))
		if owner != "" {
			c.add(dataset, nsDCT+"publisher", iri(owner))
		}
		c.add(dataset, nsDCT+"accessRights", iri(rights))
		for _, tag := range ds.Spec.Tags {
			c.add(dataset, nsDCAT+"keyword", text(tag, langVI))
		}
		if contact != "" {
			c.add(dataset, nsDCAT+"contactPoint", iri(contact))
		}
		distribution := page + "#distribution"
		c.add(dataset, nsDCAT+"distribution", iri(distribution))
		c.add(distribution, nsRDF+"type", iri(nsDCAT+"Distribution"))
		c.add(distribution, nsDCAT+"accessURL", iri(ds.Status.URL))
		c.add(distribution, nsDCAT+"accessService", iri(svc))
		if license != "" {
			c.add(distribution, nsDCT+"license", iri(license))
		}
		if od := ds.Spec.OpenData; od != nil && od.LastUpdated != nil {
			c.add(dataset, nsDCT+"modified", dateTime(od.LastUpdated.Time))
		}
	}
	c.dedupe()
	return c
}

// dcatService is what both catalogues say of a data service.
type dcatService struct {
	// Page is the portal's page of the service, its landing page; the
	// service's IRI is the page's #service.
	Page, Title, Description string
	// Endpoint and Documentation are its URL and its documentation's,
	// empty when it has none.
	Endpoint, Documentation string
	// AccessRights and Publisher are IRIs; Publisher is empty when the
	// service's agency is not known.
	AccessRights, Publisher string
	Keywords                []string
	// Contact is its contact point; nil for none.
	Contact *national.Contact
	// License is an SPDX id or a licence's IRI; empty for none.
	License string
}

// describeService lists a dcat:DataService in the catalogue cat, and
// returns its IRI, and those of its contact point and licence (empty when
// it has none), for the dataset it serves.
func (c *catalogue) describeService(cat string, d dcatService) (svc, contact, license string) {
	svc = d.Page + "#service"
	c.add(cat, nsDCAT+"service", iri(svc))
	c.add(svc, nsRDF+"type", iri(nsDCAT+"DataService"))
	c.add(svc, nsDCT+"title", text(d.Title, langVI))
	c.add(svc, nsDCT+"description", text(d.Description, langVI))
	// The range checks want each IRI's class stated: the shapes infer
	// nothing.
	c.add(svc, nsDCAT+"endpointURL", iri(d.Endpoint))
	c.add(d.Endpoint, nsRDF+"type", iri(nsRDFS+"Resource"))
	if d.Documentation != "" {
		c.add(svc, nsDCAT+"endpointDescription", iri(d.Documentation))
		c.add(d.Documentation, nsRDF+"type", iri(nsRDFS+"Resource"))
	}
	// The portal's page: public for open data, for officers otherwise.
	c.add(svc, nsDCAT+"landingPage", iri(d.Page))
	c.add(d.Page, nsRDF+"type", iri(nsFOAF+"Document"))
	c.add(svc, nsDCT+"accessRights", iri(d.AccessRights))
	c.add(d.AccessRights, nsRDF+"type", iri(nsDCT+"RightsStatement"))
	for _, k := range d.Keywords {
		c.add(svc, nsDCAT+"keyword", text(k, langVI))
	}
	if d.Publisher != "" {
		c.add(svc, nsDCT+"publisher", iri(d.Publisher))
	}
	if ct := d.Contact; ct != nil {
		contact = d.Page + "#contact"
		c.add(svc, nsDCAT+"contactPoint", iri(contact))
		c.add(contact, nsRDF+"type", iri(nsVCARD+"Kind"))
		c.add(contact, nsVCARD+"fn", text(ct.Name, langVI))
		if ct.Email != "" {
			c.add(contact, nsVCARD+"hasEmail", iri("mailto:"+ct.Email))
		}
	}
	if d.License != "" {
		license = spdxLicense(d.License)
		c.add(svc, nsDCT+"license", iri(license))
		c.add(license, nsRDF+"type", iri(nsDCT+"LicenseDocument"))
	}
	return svc, contact, license
}

// dedupe drops repeated triples (an agency described once per service).
func (c *catalogue) dedupe() {
	seen := map[[3]term]bool{}
	out := c.triples[:0]
	for _, t := range c.triples {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	c.triples = out
}

// Turtle writes the catalogue as Turtle, one triple a line.
func (c catalogue) Turtle(w io.Writer) error {
	for _, t := range c.triples {
		if _, err := fmt.Fprintf(w, "%s %s %s .\n", turtleTerm(t[0]), turtleTerm(t[1]), turtleTerm(t[2])); err != nil {
			return err
		}
	}
	return nil
}

func turtleTerm(t term) string {
	if t.isIRI() {
		return "<" + strings.NewReplacer(">", "%3E", " ", "%20").Replace(t.IRI) + ">"
	}
	lit := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`).Replace(t.Value) + `"`
	switch {
	case t.Lang != "":
		return lit + "@" + t.Lang
	case t.Typ != "":
		return lit + "^^<" + t.Typ + ">"
	}
	return lit
}

// JSONLD writes the catalogue as expanded JSON-LD: one node object per
// subject, full IRIs.
func (c catalogue) JSONLD(w io.Writer) error {
	nodes := map[string]map[string]any{}
	var order []string
	for _, t := range c.triples {
		s := t[0].IRI
		n := nodes[s]
		if n == nil {
			n = map[string]any{"@id": s}
			nodes[s] = n
			order = append(order, s)
		}
		p := t[1].IRI
		if p == nsRDF+"type" {
			types, _ := n["@type"].([]string)
			n["@type"] = append(types, t[2].IRI)
			continue
		}
		var o map[string]string
		switch {
		case t[2].isIRI():
			o = map[string]string{"@id": t[2].IRI}
		case t[2].Lang != "":
			o = map[string]string{"@value": t[2].Value, "@language": t[2].Lang}
		case t[2].Typ != "":
			o = map[string]string{"@value": t[2].Value, "@type": t[2].Typ}
		default:
			o = map[string]string{"@value": t[2].Value}
		}
		values, _ := n[p].([]map[string]string)
		n[p] = append(values, o)
	}
	graph := make([]map[string]any, 0, len(order))
	for _, s := range order {
		graph = append(graph, nodes[s])
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(graph)
}

// dcat serves the catalogue: Turtle at /dcat.ttl, JSON-LD at /dcat.jsonld.
// Anyone gets the open data; an officer who may list DataServices gets
// every published service.
func (s *Server) dcat(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := s.identify(w, r, langVI)
		if !ok {
			return
		}
		world, err := s.world(q)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		c := BuildDCAT(DCATInputs{Base: s.baseURL(), Agencies: world.agencies, Services: world.services, Publisher: s.Publisher,
			All: !q.viewer.Anonymous() && s.can(q, "list", "dataservices", "")})
		if format == "turtle" {
			w.Header().Set("Content-Type", "text/turtle; charset=utf-8")
			err = c.Turtle(w)
		} else {
			w.Header().Set("Content-Type", "application/ld+json")
			err = c.JSONLD(w)
		}
		if err != nil {
			s.Log.Error(err, "write the DCAT catalogue")
		}
	}
}

// baseURL is the portal's public address, as configured: never the Host
// header of the request, which anyone sending it chooses.
func (s *Server) baseURL() string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	return unconfiguredURL
}

// unconfiguredURL stands for the portal's address where none was given (a
// test's Server): a name that resolves nowhere.
const unconfiguredURL = "https://portal.invalid"
