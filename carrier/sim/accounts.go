package sim

import (
	"net/http"
	"strings"

	"github.com/portdesk/portdesk/carrier/protocol"
)

// handleLookups names the carrier of each number it holds; empty for the
// others.
func (s *Sim) handleLookups(_ *http.Request, body []byte) reply {
	var req protocol.LookupRequest
	if rep, ok := decode(body, &req); !ok {
		return rep
	}
	if len(req.PhoneNumbers) > protocol.MaxLookupNumbers {
		return problem(http.StatusUnprocessableEntity, "A lookup takes at most %d numbers; this one has %d.",
			protocol.MaxLookupNumbers, len(req.PhoneNumbers))
	}
	out := protocol.LookupResponse{Results: make([]protocol.LookupResult, 0, len(req.PhoneNumbers))}
	for _, n := range req.PhoneNumbers {
		res := protocol.LookupResult{PhoneNumber: n}
		if rec, ok := s.byNumber[n]; ok {
			res.Carrier = rec.Carrier
		}
		out.Results = append(out.Results, res)
	}
	return reply{http.StatusOK, out}
}

// handleCSR answers the CSR of an account (found by account number, else
// by one of its numbers) to a caller who knows its PIN.
func (s *Sim) handleCSR(_ *http.Request, body []byte) reply {
	var req protocol.CSRRequest
	if rep, ok := decode(body, &req); !ok {
		return rep
	}
	rec := s.byAccount[strings.TrimSpace(req.AccountNumber)]
	if rec == nil && req.AccountNumber == "" {
		rec = s.byNumber[req.PhoneNumber]
	}
	switch {
	case rec == nil:
		return problem(http.StatusNotFound, "No account %q.", req.AccountNumber)
	case rec.PIN != "" && req.PIN != rec.PIN:
		return problem(http.StatusForbidden, "The PIN does not open account %s.", rec.AccountNumber)
	}
	return reply{http.StatusOK, rec.CSR()}
}
