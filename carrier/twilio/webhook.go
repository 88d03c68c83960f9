package twilio

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"

	"github.com/portdesk/portdesk/porting"
)

// maxWebhookBody bounds a webhook body.
const maxWebhookBody = 1 << 20

// HeaderSignature carries Twilio's signature of a webhook.
const HeaderSignature = "X-Twilio-Signature"

// webhookEvent is a porting webhook's body. Twilio posts JSON and signs
// it with a bodySHA256 query parameter; a form-encoded body is read too.
type webhookEvent struct {
	AccountSID          string `json:"account_sid"`
	PortInRequestSID    string `json:"port_in_request_sid"`
	PhoneNumberSID      string `json:"port_in_phone_number_sid"`
	PhoneNumber         string `json:"phone_number"`
	Status              string `json:"status"`
	LastDateUpdated     string `json:"last_date_updated"`
	PortDate            string `json:"port_date"`
	RejectionReason     string `json:"rejection_reason"`
	RejectionReasonCode any    `json:"rejection_reason_code"`
}

// eventStates says which state each porting event reports, and whether it
// concerns a phone number. Events of a number that ported or was cancelled
// give no answer: the request's own event says when all are done.
// PortInInReview and PortInExpired are not in Twilio's published list;
// they are read in case Twilio sends them for those request statuses.
var eventStates = map[string]struct {
	status string
	number bool
}{
	"PortInInReview":                       {statusInReview, false},
	"PortInWaitingForSignature":            {statusWaitingForSignature, false},
	"PortInInProgress":                     {statusInProgress, false},
	"PortInActionRequired":                 {statusActionRequired, false},
	"PortInCompleted":                      {statusCompleted, false},
	"PortInCanceled":                       {statusCanceled, false},
	"PortInExpired":                        {statusExpired, false},
	"PortInPhoneNumberWaitingForSignature": {statusWaitingForSignature, false},
	"PortInPhoneNumberSubmitted":           {statusSubmitted, true},
	"PortInPhoneNumberPending":             {statusPending, true},
	"PortInPhoneNumberRejected":            {statusRejected, true},
	"PortInPhoneNumberCompleted":           {"", true},
	"PortInPhoneNumberCanceled":            {"", true},
}

// ParseWebhook verifies a porting webhook Twilio sent to publicURL (the
// URL as configured at Twilio; the request's query, which carries the
// bodySHA256 Twilio signs, is added when publicURL has none) and maps its
// event onto answers. EUNAUTHORIZED when the X-Twilio-Signature is missing
// or wrong; EINVALID when the body is malformed. An event portdesk has no
// answer for gives none.
func (g *Gateway) ParseWebhook(r *http.Request, publicURL string) ([]porting.CarrierAnswer, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody+1))
	if err != nil || len(body) > maxWebhookBody {
		return nil, porting.Errorf(porting.EINVALID, "twilio: webhook body unreadable or too large")
	}
	if err := g.verifyWebhook(r, publicURL, body); err != nil {
		return nil, err
	}
	ev, err := decodeWebhook(r.Header.Get("Content-Type"), body)
	if err != nil {
		return nil, err
	}
	return g.answersForEvent(ev), nil
}

// verifyWebhook checks the signature with twilio-go's RequestValidator
// over the public URL and the body.
func (g *Gateway) verifyWebhook(r *http.Request, publicURL string, body []byte) error {
	sig := r.Header.Get(HeaderSignature)
	if sig == "" {
		return porting.Errorf(porting.EUNAUTHORIZED, "twilio: webhook without %s", HeaderSignature)
	}
	if g.cfg.AuthToken == "" {
		return porting.Errorf(porting.EUNAUTHORIZED, "twilio: no auth token to verify webhooks with")
	}
	full := publicURL
	if !strings.Contains(publicURL, "?") && r.URL.RawQuery != "" {
		full = publicURL + "?" + r.URL.RawQuery
	}
	v := client.NewRequestValidator(g.cfg.AuthToken)
	if !v.ValidateBody(full, body, sig) {
		return porting.Errorf(porting.EUNAUTHORIZED, "twilio: webhook signature does not match")
	}
	return nil
}

// decodeWebhook reads a JSON or form-encoded event.
func decodeWebhook(contentType string, body []byte) (webhookEvent, error) {
	var ev webhookEvent
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return ev, porting.Errorf(porting.EINVALID, "twilio: webhook form body malformed")
		}
		ev = webhookEvent{AccountSID: form.Get("account_sid"), PortInRequestSID: form.Get("port_in_request_sid"),
			PhoneNumberSID: form.Get("port_in_phone_number_sid"), PhoneNumber: form.Get("phone_number"),
			Status: form.Get("status"), LastDateUpdated: form.Get("last_date_updated"), PortDate: form.Get("port_date"),
			RejectionReason: form.Get("rejection_reason"), RejectionReasonCode: form.Get("rejection_reason_code")}
	} else if err := json.Unmarshal(body, &ev); err != nil {
		return ev, &porting.Error{Code: porting.EINVALID, Message: "twilio: webhook JSON body malformed", Err: err}
	}
	if ev.PortInRequestSID == "" || ev.Status == "" {
		return ev, porting.Errorf(porting.EINVALID, "twilio: webhook without port_in_request_sid or status")
	}
	return ev, nil
}

// answersForEvent maps an event through the same table as a poll: a
// request event as the request's state, a number event as a request
// whose one number is in the event's state.
func (g *Gateway) answersForEvent(ev webhookEvent) []porting.CarrierAnswer {
	state, ok := eventStates[ev.Status]
	if !ok || state.status == "" {
		return nil
	}
	updated, _ := time.Parse(time.RFC3339, ev.LastDateUpdated)
	st := requestState{status: state.status, updated: updated}
	if state.number {
		st.status = statusInProgress
		n := numberState{sid: ev.PhoneNumberSID, status: state.status, reason: ev.RejectionReason, reasonCode: codeText(ev.RejectionReasonCode)}
		if d, err := time.Parse(time.RFC3339, ev.PortDate); err == nil {
			n.portDate = &d
		}
		st.numbers = []numberState{n}
	}
	return answersForRequest(ev.PortInRequestSID, st, g.now())
}

// codeText writes a rejection code Twilio sends as a number or a string.
func codeText(v any) string {
	switch c := v.(type) {
	case string:
		return c
	case float64:
		return strconv.FormatFloat(c, 'f', -1, 64)
	}
	return ""
}
