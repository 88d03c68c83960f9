package twilio

import (
	"bytes"
	"net/http"

	"github.com/portdesk/portdesk/porting"
)

var _ porting.CallbackParser = (*Gateway)(nil)

// ParseCallback implements porting.CallbackParser: a Twilio port-in webhook
// as the desk's callback endpoint received it, r.URL being the public URL
// Twilio posted to (query included, as Twilio signs it).
func (g *Gateway) ParseCallback(r porting.CallbackRequest) ([]porting.CarrierAnswer, error) {
	req, err := http.NewRequest(http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, porting.Errorf(porting.EINVALID, "twilio: callback URL %q: %v", r.URL, err)
	}
	req.Header = http.Header(r.Header)
	return g.ParseWebhook(req, r.URL)
}
