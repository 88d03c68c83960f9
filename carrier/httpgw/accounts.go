package httpgw

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/porting"
)

// LookupCarriers names the current carrier of the numbers the carrier
// knows, asking in batches of protocol.MaxLookupNumbers; numbers it does
// not know are absent from the map.
func (g *Gateway) LookupCarriers(ctx context.Context, phoneNumbers []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(phoneNumbers); start += protocol.MaxLookupNumbers {
		end := min(start+protocol.MaxLookupNumbers, len(phoneNumbers))
		var resp protocol.LookupResponse
		req := protocol.LookupRequest{PhoneNumbers: phoneNumbers[start:end]}
		if err := g.call(ctx, http.MethodPost, protocol.PathLookups, "", req, &resp); err != nil {
			return nil, fmt.Errorf("httpgw: look up numbers %d–%d of %d: %w", start+1, end, len(phoneNumbers), err)
		}
		for _, r := range resp.Results {
			if r.Carrier != "" {
				out[r.PhoneNumber] = r.Carrier
			}
		}
	}
	return out, nil
}

// FetchCSR asks the carrier for an account's CSR. ENOTFOUND when the
// carrier has no such account, EINVALID when it refuses the PIN.
func (g *Gateway) FetchCSR(ctx context.Context, q porting.CSRQuery) (*porting.CSR, error) {
	var csr protocol.CSR
	req := protocol.CSRRequest{AccountNumber: q.AccountNumber, PIN: q.PIN, PhoneNumber: q.PhoneNumber}
	err := g.call(ctx, http.MethodPost, protocol.PathCSRs, "", req, &csr)
	var se *statusError
	switch {
	case err == nil:
		return csr.ToCSR(), nil
	case errors.As(err, &se) && se.status == http.StatusNotFound:
		return nil, &porting.Error{Code: porting.ENOTFOUND, Field: "account_number", Err: err,
			Message: fmt.Sprintf("The carrier has no account %q.", q.AccountNumber)}
	case errors.As(err, &se) && se.status == http.StatusForbidden:
		return nil, &porting.Error{Code: porting.EINVALID, Field: "pin", Err: err,
			Message: fmt.Sprintf("The carrier refused the PIN for account %q; check the PIN with the account holder.", q.AccountNumber)}
	}
	return nil, fmt.Errorf("httpgw: fetch CSR of account %s: %w", q.AccountNumber, err)
}
