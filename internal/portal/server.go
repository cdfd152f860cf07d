// Package portal is the provincial data portal: the catalog of data
// services, the focal-point directory, open data with its DCAT feed, the
// statistics of sharing, and what waits for whom. It reads the four kinds
// from a cache and writes nothing; a person sees what their Kubernetes
// rights let them read, decided by the API server's own reviews.
package portal

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // the province's zone in an image with no zoneinfo

	"github.com/go-logr/logr"
	utilclock "k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/labels"
	"github.com/lgsp-vn/datashare-operator/internal/national"
)

//go:embed templates/*.html static/*
var assets embed.FS

// Server serves the portal.
type Server struct {
	// Reader holds the four kinds: the portal's informer cache.
	Reader   client.Reader
	Reviewer Reviewer
	Rules    config.Rules
	Log      logr.Logger
	Now      func() time.Time
	// Publisher is the Agency that publishes the DCAT catalogue: the DIC
	// (--coordinator-agency).
	Publisher string
	// PublicURL is the portal's public address, for the IRIs of the DCAT
	// catalogue (--public-url, required by the command).
	PublicURL string
	// Zone is the province's time zone, in which pages write moments;
	// Asia/Ho_Chi_Minh when nil.
	Zone *time.Location
	// SignInURL is where an officer signs in (the province's identity
	// provider, in front of the gateway); the pages for officers link to
	// it. Empty: they say to sign in through the LGSP gateway.
	SignInURL string
	// NationalSigner signs the national catalog; nil: only its unsigned
	// DCAT-AP form is served.
	NationalSigner *national.Signer

	pages map[string]*template.Template
}

// Handler returns the portal's routes.
func (s *Server) Handler() (http.Handler, error) {
	if err := s.parse(); err != nil {
		return nil, err
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	// Published by rule, to everyone.
	mux.HandleFunc("GET /{$}", s.page(s.home))
	mux.HandleFunc("GET /directory", s.page(s.directory))
	mux.HandleFunc("GET /open-data", s.page(s.openData))
	mux.HandleFunc("GET /statistics", s.page(s.statistics))
	mux.HandleFunc("GET /report", s.page(s.report))
	mux.HandleFunc("GET /statistics.csv", s.statisticsCSV)
	mux.HandleFunc("GET /statistics-keys.csv", s.statisticsKeysCSV)
	mux.HandleFunc("GET /statistics-traffic.csv", s.statisticsTrafficCSV)
	mux.HandleFunc("GET /statistics-traffic.json", s.statisticsTrafficJSON)
	mux.HandleFunc("GET /dcat.ttl", s.dcat("turtle"))
	mux.HandleFunc("GET /dcat.jsonld", s.dcat("jsonld"))
	mux.HandleFunc("GET /national/catalog.ttl", s.nationalDCAT)
	mux.HandleFunc("GET /national/catalog.jws", s.nationalJWS)
	mux.HandleFunc("GET /national/keys.json", s.nationalKeys)
	// For officers, as far as their rights go.
	mux.HandleFunc("GET /catalog", s.page(s.catalog))
	mux.HandleFunc("GET /services/{namespace}/{name}", s.page(s.service))
	mux.HandleFunc("GET /services/{namespace}/{name}/request", s.page(s.request))
	mux.HandleFunc("GET /waiting", s.page(s.waiting))
	return s.securityHeaders(mux), nil
}

func (s *Server) parse() error {
	funcs := template.FuncMap{
		"moment": func(t time.Time) string { return clock.Format(t) },
		"join":   strings.Join,
		"list":   func(xs ...string) []string { return xs },
	}
	s.pages = map[string]*template.Template{}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return err
	}
	for _, name := range names {
		if strings.HasSuffix(name, "layout.html") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", name)
		if err != nil {
			return err
		}
		s.pages[strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")] = t
	}
	return nil
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return utilclock.RealClock{}.Now()
}

// request is what every page knows of the person asking.
type request struct {
	ctx    context.Context
	r      *http.Request
	lang   string
	viewer Viewer
	zone   *time.Location
	signIn string
}

// Anonymous and User say who asks, for the templates.
func (q request) Anonymous() bool { return q.viewer.Anonymous() }
func (q request) User() string    { return q.viewer.Name }

// T is the word for key in the page's language.
func (q request) T(key string) string { return translate(q.lang, key) }

// English says that the page is asked for in English (?lang=en): the
// operator's own messages, which are English, are shown then.
func (q request) English() bool { return q.lang == langEN }

// L is the label of an API value (a reason, a role, a classification, an
// audience, a level) in the page's language.
func (q request) L(kind, value string) string { return labels.Label(q.lang, labels.Kind(kind), value) }

// Moment writes t in the province's time, as its readers write it
// (23:59 08/12/2026; 2026-12-08 23:59 in English).
func (q request) Moment(t time.Time) string {
	t = t.In(q.zone)
	if q.lang == langEN {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("15:04 02/01/2006")
}

// Date writes the day of t (a time.Time or a metav1.Time, or a pointer to
// one) in the
// province's time, as its readers write it (08/12/2026; 2026-12-08 in
// English); "—" when there is none. A moment recorded at 17:00 UTC is
// already the next day in the province.
func (q request) Date(t any) string {
	var at time.Time
	switch v := t.(type) {
	case time.Time:
		at = v
	case *time.Time:
		if v != nil {
			at = *v
		}
	case metav1.Time:
		at = v.Time
	case *metav1.Time:
		if v != nil {
			at = v.Time
		}
	}
	if at.IsZero() {
		return "—"
	}
	at = at.In(q.zone)
	if q.lang == langEN {
		return at.Format(time.DateOnly)
	}
	return at.Format("02/01/2006")
}

// SignIn is where an officer signs in (--sign-in-url); empty when not
// configured.
func (q request) SignIn() string { return q.signIn }

// Zone names the province's time zone, for a moment's tooltip.
func (q request) Zone() string { return q.T("timeZone") + ": " + q.zone.String() }

// can asks the reviewer, treating a failed review as a refusal (logged).
func (s *Server) can(q request, verb, resource, namespace string) bool {
	ok, err := s.Reviewer.Allowed(q.ctx, q.viewer, verb, resource, namespace)
	if err != nil {
		s.Log.Error(err, "access review failed", "user", q.viewer.Name, "verb", verb, "resource", resource, "namespace", namespace)
		return false
	}
	return ok
}

// view is what a page handler returns: the template and its data, or an
// HTTP status with a message for the person.
type view struct {
	template string
	title    string
	data     any
	status   int
	message  string
}

// page wraps a handler: it identifies the viewer, picks the language and
// renders the result in the layout.
func (s *Server) page(h func(request) view) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, ok := s.identify(w, r, language(w, r))
		if !ok {
			return
		}
		v := h(q)
		if v.status != 0 && v.status != http.StatusOK {
			v = view{template: "message", title: v.title, status: v.status, data: v.message}
		}
		t := s.pages[v.template]
		if t == nil {
			http.Error(w, "no template "+v.template, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if v.status != 0 {
			w.WriteHeader(v.status)
		}
		if err := t.Execute(w, layout{Q: q, Title: v.title, Data: v.data, Path: r.URL.Path}); err != nil {
			s.Log.Error(err, "render page", "path", r.URL.Path)
		}
	}
}

// identify reads who asks from the request's bearer token: anonymous
// without one. A token the API server refuses gets a 401, and false.
func (s *Server) identify(w http.ResponseWriter, r *http.Request, lang string) (request, bool) {
	q := request{ctx: r.Context(), r: r, lang: lang, zone: s.zone(), signIn: s.SignInURL}
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && token != "" {
		v, err := s.Reviewer.Authenticate(r.Context(), token)
		if err != nil {
			// Never the token itself.
			s.Log.Info("a token was refused", "reason", err.Error())
			http.Error(w, translate(lang, "signInNeeded"), http.StatusUnauthorized)
			return q, false
		}
		q.viewer = v
	}
	return q, true
}

// layout is what the layout template reads.
type layout struct {
	Q     request
	Title string
	Path  string
	Data  any
}

// Lang and OtherLang are the page's language and the one to switch to.
func (l layout) Lang() string { return l.Q.lang }
func (l layout) OtherLang() string {
	if l.Q.lang == langEN {
		return langVI
	}
	return langEN
}

// language reads ?lang= (and remembers it in a cookie), else the cookie,
// else Vietnamese.
func language(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == langEN || l == langVI {
		// A language, not a credential. The portal serves HTTP behind the
		// gateway's TLS, and a Secure cookie is not kept over plain HTTP.
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", SameSite: http.SameSiteLaxMode, HttpOnly: true}) //nolint:gosec // see above
		return l
	}
	if c, err := r.Cookie("lang"); err == nil && c.Value == langEN {
		return langEN
	}
	return langVI
}

// needOfficer is the answer to an anonymous viewer on an officers' page.
func needOfficer(q request, title string) view {
	return view{title: title, status: http.StatusUnauthorized, message: q.T("signInNeeded")}
}

func notAllowed(q request, title string) view {
	return view{title: title, status: http.StatusForbidden, message: q.T("notAllowed")}
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// zone is the province's time zone.
func (s *Server) zone() *time.Location {
	if s.Zone != nil {
		return s.Zone
	}
	return defaultZone
}

// defaultZone is the zone of the operator's --time-zone default; the
// binary carries the zone database (time/tzdata).
var defaultZone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*60*60)
	}
	return loc
}()
