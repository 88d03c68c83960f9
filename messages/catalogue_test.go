package messages_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/notify"
	"github.com/portdesk/portdesk/porting"
)

// utcTime matches a time of day shown in UTC, with the "(" and the date
// that may come before it; a customer's text shows UTC only in brackets,
// beside the same instant in the customer's zone.
var utcTime = regexp.MustCompile(`(\(?)(\d{4}-\d{2}-\d{2} )?\d{2}:\d{2} UTC`)

// stateName matches the internal name of a state that is not an ordinary
// word: awaiting_loa, loa_review, foc_confirmed, …
func stateName() *regexp.Regexp {
	var names []string
	for _, s := range porting.States {
		if strings.Contains(string(s), "_") {
			names = append(names, regexp.QuoteMeta(string(s)))
		}
	}
	return regexp.MustCompile(`\b(` + strings.Join(names, "|") + `)\b`)
}

// TestCustomerTextsSpeakPlainly is issue 10's acceptance item 4: every
// template a customer reads (emails and thread notes), in every language,
// for every state and silence policy, names no internal state and shows
// every time in the customer's zone with UTC only beside it.
func TestCustomerTextsSpeakPlainly(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC)
	signed := porting.Date{Year: 2026, Month: time.March, Day: 1}
	findings := []porting.Finding{{Code: "POSTAL_CODE_MISMATCH", Severity: porting.SeverityBlocking, Field: "service_address.postal_code", Expected: "10001", Got: "10002"}}
	states := stateName()
	zones := map[string]string{"Europe/Berlin": "CET", "America/New_York": "EDT", "Asia/Tokyo": "JST"}
	policies := []string{messages.PolicyCancel, messages.PolicyRestart, messages.PolicyHold}
	renders := 0
	for _, lang := range messages.Languages {
		for tz, abbr := range zones {
			zone, err := time.LoadLocation(tz)
			if err != nil {
				t.Fatal(err)
			}
			loc := messages.Locale{Language: lang, Zone: zone}
			for _, status := range porting.States {
				for _, policy := range policies {
					var texts []string
					for _, typ := range notify.MailedEventTypes {
						d := notify.EmailData{RequestID: "req_1", OrderID: "po_1", Status: status, PreviousStatus: porting.StateSubmitted,
							StatusReason: "the carrier answered", LosingCarrier: "Old Telco", NumberCount: 3, ExceptionCode: "ENTITY_NAME_MISMATCH",
							ExceptionMessage: "name differs", FOCAt: &at, RespondBy: &at, LOASignedOn: &signed, Policy: policy,
							Message: "Please check the address.", Findings: findings, PhoneNumberQuota: 5, PhoneNumbersNeeded: 7,
							Link: "https://desk.example.com/port-orders/po_1", Zone: zone}
						for _, part := range []string{".subject", ".body"} {
							s, err := messages.Execute(loc, typ+part, d)
							if err != nil {
								t.Fatalf("%s %s%s: %v", lang, typ, part, err)
							}
							texts = append(texts, s)
						}
					}
					for _, kind := range messages.ThreadKinds {
						if !messages.Defined("thread." + kind) {
							t.Fatalf("thread.%s is missing in a language", kind)
						}
						s, err := messages.Execute(loc, "thread."+kind, messages.Data{OrderID: "po_1", LosingCarrier: "Old Telco", Status: status,
							RespondBy: &at, FOCAt: &at, LoadBy: &at, Policy: policy, Days: 60, ExceptionCode: "ENTITY_NAME_MISMATCH",
							ExceptionMessage: "name differs", Message: "Please check the address.", Findings: findings, PhoneNumberQuota: 5, PhoneNumbersNeeded: 7})
						if err != nil {
							t.Fatalf("%s thread.%s: %v", lang, kind, err)
						}
						texts = append(texts, s)
					}
					for _, s := range texts {
						renders++
						if m := states.FindString(s); m != "" {
							t.Errorf("%s (%s, policy %s) names the state %q:\n%s", lang, status, policy, m, s)
						}
						if strings.Contains(s, "<no value>") || strings.Contains(s, "%!") {
							t.Errorf("%s renders badly:\n%s", lang, s)
						}
						for _, m := range utcTime.FindAllStringSubmatch(s, -1) {
							if m[1] != "(" {
								t.Errorf("%s (%s) shows %q, a time in UTC alone:\n%s", lang, tz, m[0], s)
							}
						}
						if utcTime.MatchString(s) && !strings.Contains(s, abbr) {
							t.Errorf("%s shows no time in %s (%s):\n%s", lang, tz, abbr, s)
						}
					}
				}
			}
		}
	}
	if want := len(messages.Languages) * len(zones) * len(porting.States) * len(policies) * (2*len(notify.MailedEventTypes) + len(messages.ThreadKinds)); renders != want {
		t.Errorf("%d texts rendered, want %d", renders, want)
	}
}

// TestThreadNoteSpeaksOfTheLetter pins the wording issue 10 asks for: the
// reminder names what the customer must send, in their language.
func TestThreadNoteSpeaksOfTheLetter(t *testing.T) {
	t.Parallel()
	by := time.Date(2026, 3, 10, 23, 18, 0, 0, time.UTC)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for lang, want := range map[string]string{
		"en":    "We are waiting for your signed Letter of Authorization",
		"es-MX": "Estamos esperando su Carta de Autorización firmada",
		"de":    "Wir warten auf Ihre unterschriebene Portierungsvollmacht",
	} {
		got, err := messages.Thread(messages.Locale{Language: lang, Zone: berlin}, messages.ThreadRespondReminder,
			messages.Data{OrderID: "po_1", Status: porting.StateAwaitingLOA, RespondBy: &by, Policy: messages.PolicyCancel})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, want) || !strings.Contains(got, "2026-03-11 00:18 CET (2026-03-10 23:18 UTC)") {
			t.Errorf("%s reminder = %q; want %q and the time in CET with UTC beside it", lang, got, want)
		}
	}
}

func TestWhen(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 7, 1, 12, 5, 0, 0, time.UTC)
	ny, _ := time.LoadLocation("America/New_York")
	for _, c := range []struct {
		zone *time.Location
		want string
	}{
		{nil, "2026-07-01 12:05 UTC"},
		{time.UTC, "2026-07-01 12:05 UTC"},
		{ny, "2026-07-01 08:05 EDT (12:05 UTC)"},
	} {
		if got := messages.When(at, c.zone); got != c.want {
			t.Errorf("When(%v) = %q, want %q", c.zone, got, c.want)
		}
	}
	if !slices.Contains(messages.Languages, messages.BaseLanguage("de-AT")) {
		t.Error("BaseLanguage(de-AT) has no translation")
	}
}
