package httpgw

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/porting"
)

// statusError is a carrier's refusal: its status and problem detail. It is
// the cause of the porting.Error a call returns.
type statusError struct {
	status int
	detail string
}

// Error returns the status and detail.
func (e *statusError) Error() string {
	if e.detail == "" {
		return fmt.Sprintf("carrier answered %d %s", e.status, http.StatusText(e.status))
	}
	return fmt.Sprintf("carrier answered %d %s: %s", e.status, http.StatusText(e.status), e.detail)
}

// call makes one signed call with in as its JSON body (nil: none) and an
// idempotency key when key is set, and decodes a 2xx answer into out.
func (g *Gateway) call(ctx context.Context, method, path, key string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
	}
	req, err := protocol.NewRequest(method, g.base+path, g.secret, g.now(), body)
	if err != nil {
		return porting.Errorf(porting.EINVALID, "cannot build a signed call to %s: %v", g.base, err)
	}
	req.Header.Set("Accept", "application/json")
	if key != "" {
		req.Header.Set(protocol.HeaderIdempotencyKey, key)
	}
	resp, err := g.client.Do(req.WithContext(ctx))
	if err != nil {
		return g.unavailable(err.Error(), err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, protocol.MaxBody+1))
	switch {
	case err != nil:
		return g.unavailable("reading its answer failed: "+err.Error(), err)
	case len(raw) > protocol.MaxBody:
		return g.unavailable(fmt.Sprintf("its answer exceeds %d bytes", protocol.MaxBody), nil)
	}
	if resp.StatusCode/100 != 2 {
		return g.refusal(resp, raw)
	}
	if !isJSON(resp.Header.Get("Content-Type")) || json.Unmarshal(raw, out) != nil {
		return g.unavailable(fmt.Sprintf("its %d answer is not the JSON expected", resp.StatusCode), nil)
	}
	return nil
}

// refusal maps a non-2xx answer: 5xx and 429 may pass (EUNAVAILABLE), any
// other status will not (EINVALID with the carrier's detail).
func (g *Gateway) refusal(resp *http.Response, raw []byte) error {
	se := &statusError{status: resp.StatusCode, detail: problemDetail(raw)}
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return g.unavailable(se.Error(), se)
	}
	msg := "the carrier refused the call"
	if se.detail != "" {
		msg = "the carrier refused the call: " + se.detail
	}
	return &porting.Error{Code: porting.EINVALID, Message: msg, Err: se}
}

// unavailable is the error of a call a later retry may get through.
func (g *Gateway) unavailable(why string, cause error) error {
	e := porting.Errorf(porting.EUNAVAILABLE, "carrier at %s did not answer: %s", g.base, why)
	e.Err = cause
	return e
}

// problemDetail reads the detail (else the title) of a problem+json body.
func problemDetail(raw []byte) string {
	var p protocol.Problem
	if json.Unmarshal(raw, &p) != nil {
		return ""
	}
	if p.Detail != "" {
		return p.Detail
	}
	return p.Title
}

// isJSON reports whether a content type is JSON (problem+json included).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || mt == protocol.ProblemContentType)
}
