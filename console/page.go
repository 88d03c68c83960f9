package console

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// page is what every template gets besides its own data: who is signed in,
// the language and zone, and the errors and findings of the forms on it.
type page struct {
	Lang      string
	TitleKey  string
	Principal porting.Principal
	Zone      *time.Location
	// zoneChosen is set when Zone is the viewer's own choice (ZoneCookie),
	// which a request's zone does not override.
	zoneChosen bool
	Path       string
	// errors are keyed "form:field"; formErrors hold the messages of each
	// form (with the field, for the summary's links).
	errors     map[string]string
	formErrors map[string][]formError
	// findings are the LOA findings keyed by field.
	findings map[string][]porting.Finding
	Data     any
}

type formError struct {
	ID      string
	Message string
}

func (c *console) newPage(r *http.Request, p porting.Principal, titleKey string) *page {
	zone, chosen := cookieZone(r)
	if !chosen {
		zone = time.UTC
	}
	return &page{Lang: language(r), TitleKey: titleKey, Principal: p, Zone: zone, zoneChosen: chosen, Path: r.URL.Path,
		errors: map[string]string{}, formErrors: map[string][]formError{}, findings: map[string][]porting.Finding{}}
}

// zoneOf shows the page's times in the zone of req's contact, unless the
// viewer chose their own.
func (p *page) zoneOf(req *porting.PortRequest) {
	if !p.zoneChosen && req != nil {
		if loc, ok := parseZone(req.ContactPreferences.TimeZone); ok {
			p.Zone = loc
		}
	}
}

// T translates a catalogue key into the page's language.
func (p *page) T(key string) string { return translate(p.Lang, key) }

// SignedIn reports whether someone is signed in.
func (p *page) SignedIn() bool { return p.Principal.Role != "" }

// Staff reports whether the viewer is on the porting team.
func (p *page) Staff() bool { return p.Principal.Role.Staff() }

// Time formats t in the viewer's zone; a nil or zero time is a dash.
func (p *page) Time(t any) string {
	var v time.Time
	switch x := t.(type) {
	case time.Time:
		v = x
	case *time.Time:
		if x == nil {
			return "—"
		}
		v = *x
	default:
		return "—"
	}
	if v.IsZero() {
		return "—"
	}
	return v.In(p.Zone).Format("2006-01-02 15:04 MST")
}

// ISO is t in RFC 3339 for a <time datetime> attribute.
func (p *page) ISO(t any) string {
	switch x := t.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case *time.Time:
		if x != nil {
			return x.UTC().Format(time.RFC3339)
		}
	}
	return ""
}

// setError records err against a form: a field error next to its input and
// every error in the form's summary.
func (p *page) setError(form string, err error) {
	var pe *porting.Error
	msg, field := p.T("error.internal"), ""
	if errors.As(err, &pe) {
		msg, field = pe.Message, fieldKey(pe.Field)
	}
	id := ""
	if field != "" {
		id = inputID(form, field)
		p.errors[form+":"+field] = msg
	}
	p.formErrors[form] = append(p.formErrors[form], formError{ID: id, Message: msg})
}

// FieldError is the error recorded for a form's input, if any.
func (p *page) FieldError(form, name string) string { return p.errors[form+":"+name] }

// Errors lists the errors of a form.
func (p *page) Errors(form string) []formError { return p.formErrors[form] }

// field is one input of a form as the "field" template draws it.
type field struct {
	ID, Name, Label, Type, Value, Error, Hint string
	Required                                  bool
	// NewPassword marks a password input that sets a password, for the
	// browser's password manager (autocomplete="new-password").
	NewPassword bool
	// ExpectedLabel and GotLabel word a finding's expected and given value.
	ExpectedLabel, GotLabel string
	Findings                []porting.Finding
	Options                 []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// inputID is the id of a form's input: unique on the page.
func inputID(form, name string) string {
	return strings.NewReplacer(".", "-", "_", "-").Replace(form + "-" + name)
}

// Field describes an input of form: its label (a catalogue key), type and
// value, with the error and findings recorded for it.
func (p *page) Field(form, name, labelKey, typ string, value any) field {
	f := field{ID: inputID(form, name), Name: name, Label: p.T(labelKey), Type: typ, Value: fmt.Sprint(value),
		Error: p.errors[form+":"+name], Findings: p.findings[name], ExpectedLabel: p.T("finding.expected"), GotLabel: p.T("finding.got")}
	if value == nil {
		f.Value = ""
	}
	return f
}

// Required marks f as required.
func (f field) Require() field { f.Required = true; return f }

// SetsPassword marks a password input as choosing a new password.
func (f field) SetsPassword() field { f.NewPassword = true; return f }

// WithHint adds a hint (a catalogue key, already translated by the caller).
func (f field) WithHint(h string) field { f.Hint = h; return f }

// Select turns f into a select over values, labelled by their catalogue
// keys prefix+value (or the value itself when the key is unknown).
func (p *page) Select(f field, prefix string, values []string) field {
	f.Type = "select"
	for _, v := range values {
		f.Options = append(f.Options, option{Value: v, Label: p.T(prefix + v), Selected: v == f.Value})
	}
	return f
}

// WithOptions turns f into a select over options the page made.
func (f field) WithOptions(opts []option) field { f.Type = "select"; f.Options = opts; return f }

// Describedby lists the ids that describe f.
func (f field) Describedby() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if len(f.Findings) > 0 {
		ids = append(ids, f.ID+"-findings")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// pages holds one parsed template set per page, each with the layout.
type pages struct {
	sets map[string]*template.Template
}

var pageNames = []string{"sign_in", "error", "dashboard", "request_new", "port_order", "port_request"}

func mustParsePages() *pages {
	ps := &pages{sets: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"join": strings.Join,
		"str":  func(v any) string { return fmt.Sprint(v) },
		"sub":  func(a, b int) int { return a - b },
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/fields.html"))
	for _, name := range pageNames {
		ps.sets[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
	}
	return ps
}

// render writes a page: the layout around the named page's "content".
func (c *console) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *page, data any) {
	pg.Data = data
	var buf bytes.Buffer
	if err := c.pages.sets[name].ExecuteTemplate(&buf, "layout.html", pg); err != nil {
		c.logError(r, fmt.Errorf("console: render %s: %w", name, err))
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", pg.Lang)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// summary is the error summary at the top of a form.
type summary struct {
	Title  string
	Errors []formError
}

// Summary is the error summary of a form (empty when it has no errors).
func (p *page) Summary(form string) summary {
	return summary{Title: p.T("form.problems"), Errors: p.formErrors[form]}
}
