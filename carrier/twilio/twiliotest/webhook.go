package twiliotest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// events names the porting webhook event each state is reported with;
// the pending and rejected states are reported per phone number, as they
// carry the port date and the reason. Twilio documents no event for
// in_review; PortInExpired is assumed from the request statuses.
var events = map[string]string{
	"waiting_for_signature": "PortInWaitingForSignature",
	"submitted":             "PortInInProgress",
	"pending":               "PortInPhoneNumberPending",
	"rejected":              "PortInPhoneNumberRejected",
	"action_required":       "PortInActionRequired",
	"completed":             "PortInCompleted",
	"canceled":              "PortInCanceled",
	"expired":               "PortInExpired",
}

// SendWebhook posts the event of a request's current state to url, signed
// with the auth token as Twilio signs JSON webhooks: a bodySHA256 query
// parameter holds the body's SHA-256 in hex, and X-Twilio-Signature the
// base64 HMAC-SHA1 of the full URL. It returns the receiver's status.
func (s *Server) SendWebhook(url, sid string) (int, error) {
	return s.sendWebhook(url, sid, s.AuthToken)
}

// SendForgedWebhook is SendWebhook signed with a key that is not the auth
// token.
func (s *Server) SendForgedWebhook(url, sid string) (int, error) {
	return s.sendWebhook(url, sid, "not-"+s.AuthToken)
}

// sendWebhook posts the event signed with key.
func (s *Server) sendWebhook(url, sid, key string) (int, error) {
	body, err := s.webhookBody(sid)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(body)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	full := url + sep + "bodySHA256=" + hex.EncodeToString(sum[:])
	req, err := http.NewRequest(http.MethodPost, full, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("twiliotest: webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Twilio-Signature", Sign(key, full))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("twiliotest: webhook: %w", err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Sign returns Twilio's signature of a URL with no form parameters: the
// base64 HMAC-SHA1 of it under key.
func Sign(key, url string) string {
	mac := hmac.New(sha1.New, []byte(key))
	mac.Write([]byte(url))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// webhookBody writes the JSON event of a request's current state.
func (s *Server) webhookBody(sid string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.requests[sid]
	if !ok {
		return nil, fmt.Errorf("twiliotest: no port-in request %s", sid)
	}
	event, ok := events[p.state]
	if !ok {
		return nil, fmt.Errorf("twiliotest: Twilio sends no webhook for state %s", p.state)
	}
	body := map[string]any{
		"account_sid":         s.AccountSID,
		"port_in_request_sid": p.SID,
		"status":              event,
		"last_date_updated":   s.Now().UTC().Format(time.RFC3339),
	}
	if strings.HasPrefix(event, "PortInPhoneNumber") && len(p.Numbers) > 0 {
		n := p.Numbers[0]
		body["port_in_phone_number_sid"] = n.SID
		body["phone_number"] = n.PhoneNumber
		body["port_date"] = timeOrNil(n.PortDate)
		body["rejection_reason"] = stringOrNil(n.RejectionReason)
		body["rejection_reason_code"] = codeOrNil(n.RejectionCode, false)
	}
	return json.Marshal(body)
}
