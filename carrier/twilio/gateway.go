package twilio

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	numbers "github.com/twilio/twilio-go/rest/numbers/v1"

	"github.com/portdesk/portdesk/porting"
)

// Default hosts of Twilio's APIs.
const (
	DefaultBaseURL   = "https://numbers.twilio.com"
	DefaultUploadURL = "https://numbers-upload.twilio.com"
)

// Config configures a Gateway.
type Config struct {
	// AccountSID is the account (or subaccount) the numbers port to.
	AccountSID string
	// AuthToken authenticates API calls unless an API key is set, and
	// always verifies webhook signatures (Twilio signs with it).
	AuthToken string
	// APIKeySID and APIKeySecret, when set, authenticate API calls
	// instead of the auth token.
	APIKeySID    string
	APIKeySecret string
	// BaseURL is where Port In calls go; default DefaultBaseURL. A proxy
	// or a local fake (twiliotest) may stand in.
	BaseURL string
	// UploadURL is where documents are uploaded; default DefaultUploadURL.
	UploadURL string
	// NotificationEmails get a copy of the signed LOA from Twilio.
	NotificationEmails []string
	// RepresentativeEmail is where Twilio sends its LOA for e-signature:
	// the submission carries no email of the authorized person, so the
	// desk names one (required).
	RepresentativeEmail string
	// Now is the clock; default time.Now.
	Now func() time.Time
	// HTTPClient makes every call (Twilio and document links); default a
	// client with a 30-second timeout.
	HTTPClient *http.Client
}

// Gateway submits port orders to Twilio. It implements
// porting.CarrierGateway and is safe for concurrent use.
type Gateway struct {
	cfg        Config
	baseURL    *url.URL
	uploadURL  *url.URL
	username   string
	password   string
	httpClient *http.Client
	now        func() time.Time
}

var _ porting.CarrierGateway = (*Gateway)(nil)

// New returns a gateway for cfg; EINVALID when a required setting is
// missing or a URL does not parse.
func New(cfg Config) (*Gateway, error) {
	if cfg.AccountSID == "" {
		return nil, porting.FieldErrorf("account_sid", "twilio: the account SID is required")
	}
	if cfg.AuthToken == "" && (cfg.APIKeySID == "" || cfg.APIKeySecret == "") {
		return nil, porting.FieldErrorf("auth_token", "twilio: an auth token or an API key and secret are required")
	}
	if cfg.RepresentativeEmail == "" {
		return nil, porting.FieldErrorf("representative_email", "twilio: the email Twilio sends its LOA to is required")
	}
	g := &Gateway{cfg: cfg, username: cfg.AccountSID, password: cfg.AuthToken, httpClient: cfg.HTTPClient, now: cfg.Now}
	if cfg.APIKeySID != "" {
		g.username, g.password = cfg.APIKeySID, cfg.APIKeySecret
	}
	var err error
	if g.baseURL, err = parseBase("base_url", cfg.BaseURL, DefaultBaseURL); err != nil {
		return nil, err
	}
	if g.uploadURL, err = parseBase("upload_url", cfg.UploadURL, DefaultUploadURL); err != nil {
		return nil, err
	}
	if g.httpClient == nil {
		g.httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	if g.now == nil {
		g.now = time.Now
	}
	return g, nil
}

// parseBase parses a base URL setting, def when blank.
func parseBase(field, raw, def string) (*url.URL, error) {
	if raw == "" {
		raw = def
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, porting.FieldErrorf(field, "twilio: %q is not an http(s) URL", raw)
	}
	return u, nil
}

// Kind implements porting.CarrierGateway.
func (g *Gateway) Kind() porting.GatewayKind { return porting.GatewayTwilio }

// Submit uploads the submission's utility bills, then creates the port-in
// request. The receipt's reference is the PortInRequestSid; Twilio's
// receipt is an accepted answer. EINVALID when Twilio refuses the request
// or the submission lacks what Twilio needs; EUNAVAILABLE to retry.
func (g *Gateway) Submit(ctx context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	docs, err := g.uploadDocuments(ctx, s.Documents)
	if err != nil {
		return porting.CarrierReceipt{}, err
	}
	body, err := g.portInCreate(s, docs)
	if err != nil {
		return porting.CarrierReceipt{}, err
	}
	c := g.numbersAPI(ctx)
	created, err := c.api.CreatePortingPortIn(&numbers.CreatePortingPortInParams{NumbersV1PortingPortInCreate: &body})
	if err != nil {
		return porting.CarrierReceipt{}, apiError("create port-in request for order "+s.OrderID, c.lastStatus(), err)
	}
	if created.PortInRequestSid == nil || *created.PortInRequestSid == "" {
		return porting.CarrierReceipt{}, porting.Errorf(porting.EINTERNAL, "twilio: the port-in request of order %s came back without a SID", s.OrderID)
	}
	sid := *created.PortInRequestSid
	status := stringOr(created.PortInRequestStatus, statusInReview)
	answers := answersForRequest(sid, requestState{status: status}, g.now())
	return porting.CarrierReceipt{Reference: sid, Answers: withOrder(answers, s.OrderID)}, nil
}

// Supplement sends a changed submission. Twilio cannot change a port-in
// request once made, so the old request is retired (cancelled, unless it
// is already gone) and a new one created; its SID is the new reference,
// and the old request's late answers no longer match the order. A retry
// after a failed create finds the old request cancelled and only creates.
// EINVALID when the old request has already ported.
func (g *Gateway) Supplement(ctx context.Context, s *porting.CarrierSubmission) (porting.CarrierReceipt, error) {
	if s.Reference != "" {
		if err := g.retire(ctx, s.Reference); err != nil {
			return porting.CarrierReceipt{}, fmt.Errorf("twilio: supplement %d of order %s: %w", s.Supplement, s.OrderID, err)
		}
	}
	return g.Submit(ctx, s)
}

// retire cancels a port-in request a supplement replaces, unless Twilio
// no longer holds it open.
func (g *Gateway) retire(ctx context.Context, sid string) error {
	c := g.numbersAPI(ctx)
	req, err := c.api.FetchPortingPortIn(sid)
	if err != nil {
		err = apiError("fetch port-in request "+sid, c.lastStatus(), err)
		if porting.ErrorCode(err) == porting.ENOTFOUND {
			return nil
		}
		return err
	}
	switch normalizeStatus(stringOr(req.PortInRequestStatus, "")) {
	case statusCanceled, statusExpired:
		return nil
	case statusCompleted:
		return porting.Errorf(porting.EINVALID, "twilio: port-in request %s has completed; there is nothing to supplement", sid)
	}
	return g.Cancel(ctx, porting.CarrierTicket{Reference: sid, Reason: "supplement"})
}

// Cancel deletes the port-in request (Twilio cancels it). ENOTFOUND when
// Twilio does not know it.
func (g *Gateway) Cancel(ctx context.Context, t porting.CarrierTicket) error {
	c := g.numbersAPI(ctx)
	if err := c.api.DeletePortingPortIn(t.Reference); err != nil {
		return apiError("cancel port-in request "+t.Reference, c.lastStatus(), err)
	}
	return nil
}

// Activate does nothing: Twilio activates the numbers itself on the port
// date and reports it (completed).
func (g *Gateway) Activate(ctx context.Context, t porting.CarrierTicket) error { return nil }

// LookupCarriers is not offered by the Port In API.
func (g *Gateway) LookupCarriers(ctx context.Context, phoneNumbers []string) (map[string]string, error) {
	return nil, porting.ErrGatewayUnsupported
}

// FetchCSR is not offered by the Port In API.
func (g *Gateway) FetchCSR(ctx context.Context, q porting.CSRQuery) (*porting.CSR, error) {
	return nil, porting.ErrGatewayUnsupported
}

// stringOr returns *p, or def when p is nil or empty.
func stringOr(p *string, def string) string {
	if p == nil || *p == "" {
		return def
	}
	return *p
}

// withOrder stamps answers with the order they concern.
func withOrder(answers []porting.CarrierAnswer, orderID string) []porting.CarrierAnswer {
	for i := range answers {
		answers[i].OrderID = orderID
	}
	return answers
}
