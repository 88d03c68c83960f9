package notify

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

var staff = porting.Principal{Role: porting.RoleSpecialist}

// fullData fills every EmailData field, so that a template referring to a
// field that does not exist, or showing one badly, is caught.
func fullData() EmailData {
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	return EmailData{
		RequestID: "req_full", OrderID: "po_full", Status: porting.StateException, PreviousStatus: porting.StateSubmitted,
		StatusReason: "the carrier answered", LosingCarrier: "Old Telco", NumberCount: 3,
		ExceptionCode: "ENTITY_NAME_MISMATCH", ExceptionMessage: "name differs", FOCAt: &at, RespondBy: &at, LOASignedOn: &porting.Date{Year: 2026, Month: time.March, Day: 10},
		Policy: PolicyRestart, Message: "Please check the address.", PhoneNumberQuota: 5, PhoneNumbersNeeded: 7,
		Findings:  []porting.Finding{{Code: "POSTAL_CODE_MISMATCH", Severity: porting.SeverityBlocking, Field: "service_address.postal_code"}},
		Link:      "https://desk.example.com/port-orders/po_full",
		Attention: "The load_numbers deadline could not do its work: no instance", AttentionKind: "load_numbers",
	}
}

func TestRenderEmailEveryTypeAndLanguage(t *testing.T) {
	t.Parallel()
	minimal := EmailData{Findings: fullData().Findings}
	for _, lang := range Languages {
		for _, typ := range append(slices.Clone(MailedEventTypes), TeamEventTypes...) {
			for name, data := range map[string]EmailData{"full": fullData(), "minimal": minimal} {
				e := &porting.Event{Type: typ, PortRequestID: "req_ev", PortOrderID: "po_ev", Actor: staff}
				// The templates themselves, not the English fallback.
				m, err := render(lang, typ, data)
				if err != nil {
					t.Errorf("%s %s %s: %v", lang, typ, name, err)
					continue
				}
				if got, ok := RenderEmail(e, lang, data); !ok || got.Subject == "" || got.Text == "" {
					t.Errorf("RenderEmail(%s, %s, %s) = %q, %v; want an email", typ, lang, name, got.Subject, ok)
				}
				for _, s := range []string{m.Subject, m.Text} {
					if s == "" || strings.Contains(s, "<no value>") || strings.Contains(s, "{{") || strings.Contains(s, "%!") {
						t.Errorf("%s %s %s renders badly:\n%s", lang, typ, name, s)
					}
				}
				if name == "full" && (!strings.Contains(m.Subject+m.Text, "po_full") || !strings.Contains(m.Text, data.Link)) {
					t.Errorf("%s %s: the email names neither the order nor the link:\n%s", lang, typ, m.Text)
				}
			}
		}
	}
}

func TestEveryStatusAndPolicyIsExplained(t *testing.T) {
	t.Parallel()
	for _, lang := range Languages {
		for _, piece := range []struct {
			name   string
			values []EmailData
		}{
			{"status_label", statusData()}, {"status_next", statusData()},
			{"policy", []EmailData{{Policy: PolicyCancel}, {Policy: PolicyRestart}, {Policy: PolicyHold}}},
		} {
			seen := map[string]bool{}
			for _, d := range piece.values {
				text, err := messages.Execute(messages.Locale{Language: lang}, piece.name, d)
				if err != nil {
					t.Fatalf("%s %s: %v", lang, piece.name, err)
				}
				// English labels may equal the code ("completed"); translations may not.
				if text == "" || seen[text] || lang != "en" && text == string(d.Status) {
					t.Errorf("%s %s for %q is empty, the raw code or shared with another value: %q", lang, piece.name, string(d.Status)+d.Policy, text)
				}
				seen[text] = true
			}
		}
	}
}

func statusData() []EmailData {
	var out []EmailData
	for _, s := range porting.States {
		out = append(out, EmailData{Status: s})
	}
	return out
}

func TestRenderEmailLanguage(t *testing.T) {
	t.Parallel()
	e := &porting.Event{Type: porting.EventOrderStatusChanged, PortOrderID: "po_1", Actor: staff}
	data := EmailData{Status: porting.StateAwaitingLOA}
	want := map[string]string{}
	for _, lang := range Languages {
		m, _ := RenderEmail(e, lang, data)
		want[lang] = m.Text
	}
	if want["en"] == want["es"] || want["en"] == want["de"] || want["es"] == want["de"] {
		t.Fatal("the translations render the same text")
	}
	for tag, lang := range map[string]string{"en": "en", "es": "es", "es-MX": "es", "ES_es": "es", "de-AT": "de", "DE": "de",
		"de-CH-1996": "de", "pt-BR": "en", "fr": "en", "": "en", "  es ": "es", "x": "en"} {
		if got := BaseLanguage(tag); got != lang {
			t.Errorf("BaseLanguage(%q) = %q, want %q", tag, got, lang)
		}
		if m, _ := RenderEmail(e, tag, data); m.Text != want[lang] {
			t.Errorf("RenderEmail in %q is not the %s translation", tag, lang)
		}
	}
}

func TestRenderEmailDeclines(t *testing.T) {
	t.Parallel()
	warning := EmailData{Findings: []porting.Finding{{Code: "PO_BOX_ADDRESS", Severity: "warning"}}}
	tests := []struct {
		name  string
		event porting.Event
		data  EmailData
		want  bool
	}{
		{"staff message", porting.Event{Type: porting.EventMessageCreated, Actor: staff}, EmailData{Message: "hi"}, true},
		{"admin message", porting.Event{Type: porting.EventMessageCreated, Actor: porting.Principal{Role: porting.RoleAdmin}}, EmailData{Message: "hi"}, true},
		{"customer's own message", porting.Event{Type: porting.EventMessageCreated, Actor: porting.Principal{Role: porting.RoleCustomer}}, EmailData{Message: "hi"}, false},
		{"system note beside a deadline email", porting.Event{Type: porting.EventMessageCreated, Actor: porting.SystemPrincipal}, EmailData{Message: "hi"}, false},
		{"LOA check with only warnings", porting.Event{Type: porting.EventLOAChecked, Actor: staff}, warning, false},
		{"LOA check with blocking findings", porting.Event{Type: porting.EventLOAChecked, Actor: staff}, fullData(), true},
		{"type that mails nobody", porting.Event{Type: porting.EventOrderCreated, Actor: staff}, fullData(), false},
		{"deadline", porting.Event{Type: EventQuotaRequestsDue, Actor: porting.SystemPrincipal}, EmailData{}, true},
	}
	for _, tt := range tests {
		if _, ok := RenderEmail(&tt.event, "en", tt.data); ok != tt.want {
			t.Errorf("%s: RenderEmail ok = %v, want %v", tt.name, ok, tt.want)
		}
		if MailsCustomer(tt.event.Type) != (tt.event.Type != porting.EventOrderCreated) {
			t.Errorf("MailsCustomer(%s) is wrong", tt.event.Type)
		}
	}
}

// TestEmailsKeepSecrets renders real event bodies that carry an LOA's
// account number and findings quoting it: neither the number nor the PIN
// may appear in any email.
func TestEmailsKeepSecrets(t *testing.T) {
	t.Parallel()
	const account, pin = "ACCT-55501234", "8642"
	o := porting.PortOrder{ID: "po_s", PortRequestID: "req_s", Status: porting.StateAwaitingLOA,
		LOA:      &porting.LOAData{EntityName: "Acme", AccountNumber: account, PIN: pin, PINSet: true},
		Findings: []porting.Finding{{Code: "ACCOUNT_NUMBER_MISMATCH", Severity: porting.SeverityBlocking, Field: "account_number", Expected: account, Got: account + "9", Hint: "the CSR says " + account}}}
	after, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	checked, err := json.Marshal(map[string]any{"findings": o.Findings})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*porting.Event{
		{Type: porting.EventOrderStatusChanged, PortOrderID: o.ID, PortRequestID: o.PortRequestID, Actor: staff, After: after},
		{Type: porting.EventLOAChecked, PortOrderID: o.ID, PortRequestID: o.PortRequestID, Actor: staff, After: checked},
	} {
		data, err := EventEmailData(e, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range Languages {
			m, ok := RenderEmail(e, lang, data)
			if !ok {
				t.Fatalf("%s in %s sends no email", e.Type, lang)
			}
			if s := m.Subject + m.Text; strings.Contains(s, account) || strings.Contains(s, pin) {
				t.Errorf("%s in %s leaks the account number or PIN:\n%s", e.Type, lang, s)
			}
		}
	}
}
