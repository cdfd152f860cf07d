// Package national describes what the province offers the national data
// platform: the catalog of services whose owner consents to, and the DIC
// endorses, an agency of level National (publishing.OfferNationally), with
// the open data every body may use; and the signature that lets a receiver
// check that the catalog comes from the province.
package national

import (
	"slices"
	"strings"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
)

// Format names the JSON catalog's layout, so that a receiver knows what it
// reads; a change that removes or renames a field gets a new one.
const Format = "datashare.lgsp.vn/national-catalog/v1"

// Catalog is the JSON variant of the national catalog.
type Catalog struct {
	Format string `json:"format"`
	// Publisher is the DIC's Agency, which publishes the catalog.
	Publisher Agency `json:"publisher"`
	// Issued is when the catalog was made.
	Issued time.Time `json:"issued"`
	// Services are sorted by id.
	Services []Service `json:"services"`
}

// Agency names an agency by its register name and its official name.
type Agency struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Service is one service offered to the national platform.
type Service struct {
	// ID is namespace/name: stable while the service exists.
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Version     string `json:"version"`
	Protocol    string `json:"protocol,omitempty"`
	// EndpointURL is where the service is reached through the LGSP.
	EndpointURL      string `json:"endpointURL"`
	DocumentationURL string `json:"documentationURL,omitempty"`
	Publisher        Agency `json:"publisher"`
	// Classification and AccessRights say who may use it: open data is
	// PUBLIC, anything else is used under the conditions below.
	Classification string `json:"classification"`
	AccessRights   string `json:"accessRights"`
	// ConditionsOfUse says how a body outside the province uses it.
	ConditionsOfUse Text `json:"conditionsOfUse"`
	// LegalBasis cites the documents the offer rests on: the owner's
	// consent and the DIC's endorsement, for each national platform.
	LegalBasis []Document `json:"legalBasis,omitempty"`
	// OfferedTo are the National agencies it is offered to; empty for open
	// data, which is offered to everyone.
	OfferedTo []string `json:"offeredTo,omitempty"`
	License   string   `json:"license,omitempty"`
	Contact   *Contact `json:"contact,omitempty"`
	// DataElements are the national Common Data Dictionary's identifiers
	// of the data elements it serves.
	DataElements    []string `json:"dataElements,omitempty"`
	Keywords        []string `json:"keywords,omitempty"`
	UpdateFrequency string   `json:"updateFrequency,omitempty"`
}

// Text is a statement in Vietnamese and in English.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// The conditions of use of open data and of a service offered nationally.
var (
	OpenDataUse = Text{
		VI: "Dữ liệu mở: mọi tổ chức, cá nhân được khai thác, không cần khóa (Điều 10).",
		EN: "Open data: anyone may use it, with no key.",
	}
	NationalUse = Text{
		VI: "Khai thác qua LGSP của tỉnh bằng khóa do tỉnh cấp cho nền tảng quốc gia (và chứng thư số máy khách do CA quốc gia cấp, nếu tỉnh dành riêng cổng kết nối quốc gia), theo sự đồng ý của cơ quan chủ quản dữ liệu và Sở TT&TT (Điều 17.3).",
		EN: "Used through the province's LGSP with the key the province issued to the national platform (and a client certificate from the national CA, where the province runs a national listener), with the data owner's consent and the DIC's endorsement.",
	}
)

// Document is a written decision the offer rests on.
type Document struct {
	// Kind is ProviderConsent or CoordinatorEndorsement.
	Kind      string `json:"kind"`
	Reference string `json:"reference"`
	// For is the National agency it concerns.
	For string `json:"for"`
}

// Contact is who answers for the service: its data owner, or the owner
// agency's primary focal point.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// The kinds of Document.
const (
	ProviderConsent        = "ProviderConsent"
	CoordinatorEndorsement = "CoordinatorEndorsement"
)

// Inputs is what the catalog is made from: the registers as the portal
// reads them.
type Inputs struct {
	Agencies    []v1alpha1.Agency
	FocalPoints []v1alpha1.FocalPoint
	Services    []v1alpha1.DataService
	// Publisher is the DIC's Agency name.
	Publisher string
	Now       time.Time
}

// Build makes the catalog: every published service (status.url set) that
// is offered to a National agency now, and every published open-data
// service.
func Build(in Inputs) Catalog {
	byName := map[string]*v1alpha1.Agency{}
	byNamespace := map[string]*v1alpha1.Agency{}
	var nationals []v1alpha1.Agency
	for i := range in.Agencies {
		a := &in.Agencies[i]
		byName[a.Name] = a
		byNamespace[string(a.Spec.Namespace)] = a
		if a.Spec.Level == v1alpha1.LevelNational {
			nationals = append(nationals, *a)
		}
	}
	c := Catalog{Format: Format, Publisher: agencyOf(byName[in.Publisher], in.Publisher), Issued: in.Now.UTC().Truncate(time.Second), Services: []Service{}}
	for i := range in.Services {
		ds := &in.Services[i]
		if ds.Status.URL == "" {
			continue
		}
		open := ds.Spec.Access.Audience == v1alpha1.AudiencePublic
		offer := publishing.OfferNationally(ds, nationals, in.Now)
		if !open && !offer.Offered() {
			continue
		}
		owner := byNamespace[ds.Namespace]
		s := Service{
			ID: ds.Namespace + "/" + ds.Name, Title: ds.Spec.Title, Description: ds.Spec.Description, Version: ds.Spec.Version,
			Protocol: string(ds.Spec.Protocol), EndpointURL: ds.Status.URL, DocumentationURL: string(ds.Spec.DocumentationURL),
			Publisher: agencyOf(owner, ds.Namespace), Classification: string(ds.Spec.Classification), AccessRights: AccessRights(ds.Spec.Classification),
			DataElements: slices.Sorted(slices.Values(ds.Spec.DataElements)), Keywords: slices.Sorted(slices.Values(ds.Spec.Tags)),
			UpdateFrequency: string(ds.Spec.UpdateFrequency), Contact: contactOf(ds, owner, in.FocalPoints, in.Now),
		}
		if od := ds.Spec.OpenData; od != nil {
			s.License = od.License
		}
		if open {
			s.ConditionsOfUse = OpenDataUse
		} else {
			s.OfferedTo = offer.Agencies
			s.ConditionsOfUse = NationalUse
			s.LegalBasis = legalBasis(ds, offer.Agencies, byName)
		}
		c.Services = append(c.Services, s)
	}
	slices.SortFunc(c.Services, func(a, b Service) int { return strings.Compare(a.ID, b.ID) })
	return c
}

// AccessRights is the EU access-right vocabulary's term for a
// classification, as DCAT-AP recommends: open data PUBLIC, shared data
// RESTRICTED, restricted data NON_PUBLIC.
func AccessRights(c v1alpha1.Classification) string {
	const vocabulary = "http://publications.europa.eu/resource/authority/access-right/"
	switch c {
	case v1alpha1.ClassificationOpen:
		return vocabulary + "PUBLIC"
	case v1alpha1.ClassificationShared:
		return vocabulary + "RESTRICTED"
	default:
		return vocabulary + "NON_PUBLIC"
	}
}

func agencyOf(a *v1alpha1.Agency, fallback string) Agency {
	if a == nil {
		return Agency{ID: fallback, Name: fallback}
	}
	return Agency{ID: a.Name, Name: a.Spec.DisplayName}
}

// contactOf is the service's data owner, or else its agency's active
// primary focal point, whose name and e-mail the public directory shows.
func contactOf(ds *v1alpha1.DataService, owner *v1alpha1.Agency, fps []v1alpha1.FocalPoint, now time.Time) *Contact {
	if o := ds.Spec.DataOwner; o != nil {
		return &Contact{Name: o.Name, Email: o.Email}
	}
	if owner == nil {
		return nil
	}
	var own []v1alpha1.FocalPoint
	for _, fp := range fps {
		if fp.Status.Agency == owner.Name {
			own = append(own, fp)
		}
	}
	if p := registry.ActivePrimary(own, now); p != nil {
		return &Contact{Name: p.Spec.Person.Name, Email: p.Spec.Person.Email}
	}
	return nil
}

// legalBasis cites, for each National agency the service is offered to,
// the owner's consent and the DIC's endorsement.
func legalBasis(ds *v1alpha1.DataService, offeredTo []string, agencies map[string]*v1alpha1.Agency) []Document {
	var docs []Document
	key := ds.Namespace + "/" + ds.Name
	for _, name := range offeredTo {
		if c := ds.Spec.Access.ConsentFor(name); c != nil {
			docs = append(docs, Document{Kind: ProviderConsent, Reference: string(c.DocumentRef), For: name})
		}
		if a := agencies[name]; a != nil {
			if e := a.Spec.EndorsementOf(key); e != nil {
				docs = append(docs, Document{Kind: CoordinatorEndorsement, Reference: string(e.DocumentRef), For: name})
			}
		}
	}
	return docs
}
