package publishing

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
)

// NationalOffer is what a service offers the national data platform: the
// agencies of level National that its provider consents to in
// spec.access.consumers and that the DIC endorses for it, both in force at
// now (Điều 17.3: the data owner's consent and the DIC's). A refusal or a
// declined endorsement takes an agency out. Next is when the offer can next
// change by the clock alone; zero when it cannot.
type NationalOffer struct {
	// Agencies are the National agencies the service is offered to, sorted.
	Agencies []string
	Next     time.Time
}

// Offered says whether the service is offered to any national platform.
func (o NationalOffer) Offered() bool { return len(o.Agencies) > 0 }

// OfferNationally decides a service's national offer from the registered
// agencies of level National that its consumers name (others are
// ignored).
func OfferNationally(ds *v1alpha1.DataService, nationals []v1alpha1.Agency, now time.Time) NationalOffer {
	svcKey := ds.Namespace + "/" + ds.Name
	var o NationalOffer
	var bounds []time.Time
	for i := range nationals {
		a := &nationals[i]
		if a.Spec.Level != v1alpha1.LevelNational || ds.Spec.Access.RefusalOf(a.Name) != nil || a.Spec.DeclinedEndorsementOf(svcKey) != nil {
			continue
		}
		c, e := ds.Spec.Access.ConsentFor(a.Name), a.Spec.EndorsementOf(svcKey)
		if c == nil || e == nil {
			continue
		}
		for _, t := range []*metav1.Time{c.ValidFrom, c.ValidUntil, e.ValidFrom, e.ValidUntil} {
			if t != nil && t.After(now) {
				bounds = append(bounds, t.Time)
			}
		}
		if inForce(c.ValidFrom, c.ValidUntil, now) && inForce(e.ValidFrom, e.ValidUntil, now) {
			o.Agencies = append(o.Agencies, a.Name)
		}
	}
	slices.Sort(o.Agencies)
	o.Next = clock.Earliest(bounds...)
	return o
}

// NationalConsumers are the agencies of level National among nationals
// that the service's consumers name, whether or not the offer is in force:
// the gateway accepts their keys only with the national platform's client
// certificate.
func NationalConsumers(ds *v1alpha1.DataService, nationals []v1alpha1.Agency) []string {
	var names []string
	for i := range nationals {
		if nationals[i].Spec.Level == v1alpha1.LevelNational && ds.Spec.Access.ConsentFor(nationals[i].Name) != nil {
			names = append(names, nationals[i].Name)
		}
	}
	slices.Sort(names)
	return names
}

// inForce says whether now is inside the window [from, till), as the
// consent package reads an agreement's windows.
func inForce(from, till *metav1.Time, now time.Time) bool {
	return (from == nil || !now.Before(from.Time)) && (till == nil || now.Before(till.Time))
}

// External is a service's backend outside the cluster, parsed: the host
// name the gateway connects to and checks the certificate of, the port,
// and the path that replaces the service's path prefix.
type External struct {
	Host string
	Port int32
	Path string
}

// ParseExternal reads spec.backend.external.url; ok is false for a service
// whose backend is a Service, or a URL the API server would have refused.
func ParseExternal(ds *v1alpha1.DataService) (External, bool) {
	e := ds.Spec.Backend.External
	if e == nil {
		return External{}, false
	}
	u, err := url.Parse(e.URL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return External{}, false
	}
	out := External{Host: u.Hostname(), Port: 443, Path: strings.TrimSuffix(u.EscapedPath(), "/")}
	if p := u.Port(); p != "" {
		n, err := strconv.ParseInt(p, 10, 32)
		if err != nil || n < 1 || n > 65535 {
			return External{}, false
		}
		out.Port = int32(n)
	}
	if out.Path == "" {
		out.Path = "/"
	}
	return out, true
}

// ExternalHost is the host of a service's external backend, for messages.
func ExternalHost(ds *v1alpha1.DataService) string {
	e, _ := ParseExternal(ds)
	return e.Host
}
