package httpgw

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/porting"
)

var _ porting.CallbackParser = (*Gateway)(nil)

// ParseCallback implements porting.CallbackParser: it checks the
// callback's Standard Webhooks signature with the carrier's secret and
// reads the one answer it carries.
func (g *Gateway) ParseCallback(r porting.CallbackRequest) ([]porting.CarrierAnswer, error) {
	if err := protocol.Verify(g.secret, r.Header, r.Body, r.Now); err != nil {
		return nil, porting.Errorf(porting.EUNAUTHORIZED, "the callback's signature does not verify with this carrier's secret (%s)", reason(err))
	}
	var cb protocol.Callback
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cb); err != nil {
		return nil, porting.Errorf(porting.EINVALID, "the callback body is not a carrier protocol callback: %v", err)
	}
	if dec.More() {
		return nil, porting.Errorf(porting.EINVALID, "the callback body holds more than one JSON value")
	}
	return []porting.CarrierAnswer{cb.Answer()}, nil
}

// reason says why a signature failed without echoing what was sent.
func reason(err error) string {
	var pe *porting.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	msg := err.Error()
	switch {
	case bytes.Contains([]byte(msg), []byte("timestamp")):
		return "timestamp missing or outside the five-minute window"
	case bytes.Contains([]byte(msg), []byte("header")):
		return "webhook-id, webhook-timestamp or webhook-signature missing"
	}
	return "no signature matches"
}
