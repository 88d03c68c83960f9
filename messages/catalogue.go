// Package messages is the catalogue of every text a customer reads: the
// emails notify sends and the notes workflow posts on a request's thread,
// in every supported language. Workflow and notify decide when to speak;
// the words live here, so no state name or UTC-only time reaches a customer.
package messages

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"strings"
	"text/template"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// Languages lists the translations of every template; the first is the
// fallback.
var Languages = []string{"en", "es", "de"}

//go:embed templates/*.txt
var templateFiles embed.FS

// catalogue holds one parsed set per language: templates/email_<lang>.txt
// (the emails, named after event types) and templates/thread_<lang>.txt
// (the thread notes, named "thread.<kind>").
var catalogue = parseCatalogue()

func parseCatalogue() map[string]*template.Template {
	out := make(map[string]*template.Template, len(Languages))
	for _, lang := range Languages {
		files := []string{path.Join("templates", "email_"+lang+".txt"), path.Join("templates", "thread_"+lang+".txt")}
		out[lang] = template.Must(template.New(lang).Funcs(funcs(time.UTC)).ParseFS(templateFiles, files...))
	}
	return out
}

// funcs are the helpers every template may call, showing instants in zone.
func funcs(zone *time.Location) template.FuncMap {
	return template.FuncMap{
		// date shows an instant in the customer's zone with UTC beside it.
		"date": func(t *time.Time) string { return When(*t, zone) },
		// day shows a calendar date.
		"day": func(d *porting.Date) string { return d.String() },
	}
}

// When shows t in zone with the same instant in UTC beside it, in a form
// every language reads: "2026-03-10 10:00 CET (09:00 UTC)". A nil or UTC
// zone shows UTC alone.
func When(t time.Time, zone *time.Location) string {
	if zone == nil || zone == time.UTC {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	local := t.In(zone)
	name, _ := local.Zone()
	if name == "UTC" {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	utc := t.UTC()
	if utc.YearDay() != local.YearDay() {
		return local.Format("2006-01-02 15:04 MST") + utc.Format(" (2006-01-02 15:04 UTC)")
	}
	return local.Format("2006-01-02 15:04 MST") + utc.Format(" (15:04 UTC)")
}

// BaseLanguage picks the translation for a BCP 47 tag by its base
// language: "es-MX" → "es", "de-AT" → "de"; anything without a
// translation, or blank, → "en".
func BaseLanguage(tag string) string {
	base, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"), "-")
	base = strings.ToLower(base)
	if _, ok := catalogue[base]; ok {
		return base
	}
	return Languages[0]
}

// Locale is how one customer reads: a language tag (BCP 47) and the zone
// their times are shown in (nil: UTC).
type Locale struct {
	Language string
	Zone     *time.Location
}

// Execute renders the template name in the translation loc.Language picks,
// showing times in loc.Zone. An error is a translation bug: tests render
// every template in every language.
func Execute(loc Locale, name string, data any) (string, error) {
	lang := BaseLanguage(loc.Language)
	zone := loc.Zone
	if zone == nil {
		zone = time.UTC
	}
	t, err := catalogue[lang].Clone()
	if err != nil {
		return "", fmt.Errorf("messages: clone %s: %w", lang, err)
	}
	var b bytes.Buffer
	if err := t.Funcs(funcs(zone)).ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("messages: render %s in %s: %w", name, lang, err)
	}
	return b.String(), nil
}

// Defined reports whether every language defines the template name.
func Defined(name string) bool {
	for _, lang := range Languages {
		if catalogue[lang].Lookup(name) == nil {
			return false
		}
	}
	return true
}
