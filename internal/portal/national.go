package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/lgsp-vn/datashare-operator/internal/national"
)

// The national catalog: what the province offers the national data
// platform, as DCAT-AP 3 (/national/catalog.ttl) and as JSON signed with
// the province's key (/national/catalog.jws, checked with
// /national/keys.json). Anyone may read it: it lists what the data owners
// and the DIC decided to offer the national platform, which the national
// portal publishes in its turn.

const (
	nsDCATAP = "http://data.europa.eu/r5r/"
	nsELI    = "http://data.europa.eu/eli/ontology#"
)

// BuildNationalDCAT describes the national catalog in DCAT-AP: a
// dcat:DataService per service with its endpoint, publisher, access
// rights, conditions of use (dct:rights), legal basis
// (dcatap:applicableLegislation), the national data elements it serves
// (dct:conformsTo), its contact point and, for open data, its licence.
func BuildNationalDCAT(base string, c national.Catalog) catalogue {
	var g catalogue
	base = strings.TrimSuffix(base, "/")
	agent := func(a national.Agency) string { return g.agent(base, a.ID, a.Name) }
	cat := base + "/national#catalogue"
	g.add(cat, nsRDF+"type", iri(nsDCAT+"Catalog"))
	g.add(cat, nsDCT+"title", text("Danh mục dịch vụ dữ liệu của tỉnh cung cấp cho nền tảng quốc gia", langVI))
	g.add(cat, nsDCT+"title", text("The province's data services offered to the national platform", langEN))
	g.add(cat, nsDCT+"description", text("Các dịch vụ mà cơ quan chủ quản dữ liệu và Sở TT&TT đồng ý cung cấp cho nền tảng tích hợp, chia sẻ dữ liệu quốc gia, và dữ liệu mở của tỉnh.", langVI))
	g.add(cat, nsDCT+"description", text("The services that their data owners and the DIC offer the national data integration and sharing platform, and the province's open data.", langEN))
	g.add(cat, nsDCT+"publisher", iri(agent(c.Publisher)))
	g.add(cat, nsDCT+"modified", dateTime(c.Issued))

	for _, s := range c.Services {
		svc, _, _ := g.describeService(cat, dcatService{Page: fmt.Sprintf("%s/services/%s", base, s.ID), Title: s.Title, Description: s.Description,
			Endpoint: s.EndpointURL, Documentation: s.DocumentationURL, AccessRights: s.AccessRights, Publisher: agent(s.Publisher),
			Keywords: s.Keywords, Contact: s.Contact, License: s.License})
		g.add(svc, nsDCT+"identifier", text(s.ID, ""))
		conditions := svc + "-conditions"
		g.add(svc, nsDCT+"rights", iri(conditions))
		g.add(conditions, nsRDF+"type", iri(nsDCT+"RightsStatement"))
		g.add(conditions, nsRDFS+"label", text(s.ConditionsOfUse.VI, langVI))
		g.add(conditions, nsRDFS+"label", text(s.ConditionsOfUse.EN, langEN))
		for i, d := range s.LegalBasis {
			doc := fmt.Sprintf("%s-legal-basis-%d", svc, i+1)
			g.add(svc, nsDCATAP+"applicableLegislation", iri(doc))
			g.add(doc, nsRDF+"type", iri(nsELI+"LegalResource"))
			g.add(doc, nsDCT+"title", text(d.Reference, langVI))
			g.add(doc, nsDCT+"description", text(legalBasisLabel(d), langVI))
		}
		for _, e := range s.DataElements {
			element := svc + "-element-" + url.PathEscape(e)
			g.add(svc, nsDCT+"conformsTo", iri(element))
			g.add(element, nsRDF+"type", iri(nsDCT+"Standard"))
			g.add(element, nsDCT+"identifier", text(e, ""))
			g.add(element, nsDCT+"description", text("Phần tử dữ liệu của Từ điển dữ liệu dùng chung quốc gia", langVI))
		}
	}
	g.dedupe()
	return g
}

func legalBasisLabel(d national.Document) string {
	if d.Kind == national.CoordinatorEndorsement {
		return "Văn bản của Sở TT&TT chấp thuận cho " + d.For + " khai thác (Điều 17.3)"
	}
	return "Văn bản đồng ý của cơ quan chủ quản dữ liệu cho " + d.For + " khai thác (Điều 17.3)"
}

// nationalCatalog is the catalog as the registers say now.
func (s *Server) nationalCatalog(w http.ResponseWriter, r *http.Request) (national.Catalog, bool) {
	q, ok := s.identify(w, r, langVI)
	if !ok {
		return national.Catalog{}, false
	}
	world, err := s.world(q)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return national.Catalog{}, false
	}
	return national.Build(national.Inputs{Agencies: world.agencies, FocalPoints: world.focalPoints, Services: world.services,
		Publisher: s.Publisher, Now: s.now()}), true
}

// nationalDCAT serves the national catalog as Turtle.
func (s *Server) nationalDCAT(w http.ResponseWriter, r *http.Request) {
	c, ok := s.nationalCatalog(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/turtle; charset=utf-8")
	if err := BuildNationalDCAT(s.baseURL(), c).Turtle(w); err != nil {
		s.Log.Error(err, "write the national catalog")
	}
}

// nationalJWS serves the national catalog as a compact JWS, signed with the
// province's key.
func (s *Server) nationalJWS(w http.ResponseWriter, r *http.Request) {
	if s.NationalSigner == nil {
		http.Error(w, noSigningKey, http.StatusServiceUnavailable)
		return
	}
	c, ok := s.nationalCatalog(w, r)
	if !ok {
		return
	}
	jws, err := s.NationalSigner.Sign(c)
	if err != nil {
		s.Log.Error(err, "sign the national catalog")
		http.Error(w, "the national catalog could not be signed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/jose")
	_, _ = w.Write([]byte(jws)) //nolint:gosec // base64url and dots only, served as application/jose with nosniff: no markup to inject
}

// nationalKeys serves the public key that checks the signature, as a JWK
// Set. A receiver compares its key id with the one the province gave it.
func (s *Server) nationalKeys(w http.ResponseWriter, _ *http.Request) {
	if s.NationalSigner == nil {
		http.Error(w, noSigningKey, http.StatusServiceUnavailable)
		return
	}
	keys, err := s.NationalSigner.PublicKeys()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	_, _ = w.Write(keys)
}

const noSigningKey = "the signed national catalog is not served: the province has configured no signing key (the portal's --national-catalog-key, chart value portal.nationalCatalog.signingKeySecret); the unsigned DCAT-AP catalog is at /national/catalog.ttl"
