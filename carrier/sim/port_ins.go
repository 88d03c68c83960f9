package sim

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/carrier/protocol"
)

// handleSubmit takes a new submission: 202 with a reference, the answers
// follow as callbacks.
func (s *Sim) handleSubmit(r *http.Request, body []byte) reply {
	var sub protocol.Submission
	if rep, ok := decode(body, &sub); !ok {
		return rep
	}
	if rep, ok := checkSubmission(&sub); !ok {
		return rep
	}
	p := &portIn{reference: newReference(), orderID: sub.OrderID}
	s.mu.Lock()
	s.portIns[p.reference] = p
	s.mu.Unlock()
	s.decide(p, &sub)
	return reply{http.StatusAccepted, protocol.Receipt{Reference: p.reference}}
}

// handleSupplement takes a changed submission under a reference and
// answers it again the same way.
func (s *Sim) handleSupplement(r *http.Request, body []byte) reply {
	p, rep, ok := s.findPortIn(r.PathValue("reference"))
	if !ok {
		return rep
	}
	var sub protocol.Submission
	if rep, ok := decode(body, &sub); !ok {
		return rep
	}
	if rep, ok := checkSubmission(&sub); !ok {
		return rep
	}
	s.mu.Lock()
	orderID, ended := p.orderID, p.ended
	s.mu.Unlock()
	switch {
	case sub.OrderID != orderID:
		return problem(http.StatusNotFound, "Port-in %s is not of order %s.", p.reference, sub.OrderID)
	case sub.Reference != "" && sub.Reference != p.reference:
		return problem(http.StatusUnprocessableEntity, "The body's reference %s is not the path's %s.", sub.Reference, p.reference)
	case ended != "":
		return problem(http.StatusConflict, "Port-in %s is %s; it takes no supplement.", p.reference, ended)
	}
	s.decide(p, &sub)
	return reply{http.StatusAccepted, protocol.Receipt{Reference: p.reference}}
}

// decide checks a submission and schedules its answers: accepted, then
// rejected with every reason or foc with the port date.
func (s *Sim) decide(p *portIn, sub *protocol.Submission) {
	s.mu.Lock()
	p.country, p.callbackURL, p.foc = sub.Country, sub.CallbackURL, nil
	s.mu.Unlock()
	accepted := protocol.Callback{Type: protocol.TypeAccepted, Message: "The submission is being worked on."}
	rejections := validate(sub, s.byAccount[sub.LOA.AccountNumber])
	if len(rejections) > 0 {
		s.answerLater(p, accepted, protocol.Callback{Type: protocol.TypeRejected, Rejections: rejections,
			Message: "The submission does not match the account."})
		return
	}
	foc, err := focDate(sub, s.cfg.LeadBusinessDays)
	if err != nil {
		s.answerLater(p, accepted, protocol.Callback{Type: protocol.TypeRejected, Message: err.Error(),
			Rejections: []protocol.Rejection{*reject("FOC_REJECTED", "", err.Error())}})
		return
	}
	s.answerLater(p, accepted, protocol.Callback{Type: protocol.TypeFOC, FOCAt: &foc, Message: "Port date committed."})
}

// focDate is the port date the carrier commits to: the one asked for when
// the country's porting rules allow it with the lead business days after
// the submission, else the first porting window that does.
func focDate(sub *protocol.Submission, lead int) (time.Time, error) {
	rules := calendar.PlanRules{LeadBusinessDays: lead}
	if at := sub.RequestedFOCAt; at != nil && calendar.CheckPortTime(sub.Country, *at, sub.SubmittedAt, rules) == nil {
		return at.UTC(), nil
	}
	slot, err := calendar.EarliestPortTime(sub.Country, sub.SubmittedAt, rules)
	if err != nil {
		return time.Time{}, err
	}
	return slot.Start.UTC(), nil
}

// checkSubmission refuses a submission the carrier cannot work on.
func checkSubmission(sub *protocol.Submission) (reply, bool) {
	u, err := url.Parse(sub.CallbackURL)
	switch {
	case strings.TrimSpace(sub.OrderID) == "":
		return problem(http.StatusUnprocessableEntity, "order_id is required."), false
	case sub.SubmittedAt.IsZero():
		return problem(http.StatusUnprocessableEntity, "submitted_at is required."), false
	case strings.TrimSpace(sub.Country) == "":
		return problem(http.StatusUnprocessableEntity, "country is required."), false
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return problem(http.StatusUnprocessableEntity, "callback_url must be an absolute http(s) URL."), false
	}
	return reply{}, true
}

// handleCancel withdraws a submission: a cancelled callback follows.
func (s *Sim) handleCancel(r *http.Request, body []byte) reply {
	return s.end(r, body, "cancelled", func(p *portIn) (reply, bool) { return reply{}, true })
}

// handleActivate activates a submission's numbers once it has an FOC: an
// activated callback follows.
func (s *Sim) handleActivate(r *http.Request, body []byte) reply {
	return s.end(r, body, "activated", func(p *portIn) (reply, bool) {
		if p.foc == nil {
			return problem(http.StatusConflict, "Port-in %s has no FOC; it cannot be activated yet.", p.reference), false
		}
		return reply{}, true
	})
}

// end closes a submission as cancelled or activated when allowed (s.mu is
// held while allowed runs) and schedules the callback that says so.
func (s *Sim) end(r *http.Request, body []byte, how string, allowed func(*portIn) (reply, bool)) reply {
	p, rep, ok := s.findPortIn(r.PathValue("reference"))
	if !ok {
		return rep
	}
	var t protocol.Ticket
	if rep, ok := decode(body, &t); !ok {
		return rep
	}
	s.mu.Lock()
	switch {
	case t.OrderID != p.orderID:
		rep, ok = problem(http.StatusNotFound, "Port-in %s is not of order %s.", p.reference, t.OrderID), false
	case p.ended != "":
		rep, ok = problem(http.StatusConflict, "Port-in %s is already %s.", p.reference, p.ended), false
	default:
		rep, ok = allowed(p)
	}
	if ok {
		p.ended = how
	}
	s.mu.Unlock()
	if !ok {
		return rep
	}
	s.answerLater(p, protocol.Callback{Type: how, Message: t.Reason})
	return reply{http.StatusAccepted, protocol.Receipt{Reference: p.reference}}
}

// handleStatus lists every answer about a reference so far, the dropped
// callbacks included.
func (s *Sim) handleStatus(r *http.Request, _ []byte) reply {
	p, rep, ok := s.findPortIn(r.PathValue("reference"))
	if !ok {
		return rep
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := protocol.Status{Reference: p.reference, OrderID: p.orderID, Answers: append([]protocol.Callback{}, p.answers...)}
	return reply{http.StatusOK, st}
}

// findPortIn returns the submission under reference, or a 404 reply.
func (s *Sim) findPortIn(reference string) (*portIn, reply, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.portIns[reference]
	if !ok {
		return nil, problem(http.StatusNotFound, "No port-in %q.", reference), false
	}
	return p, reply{}, true
}

// newReference returns a fresh carrier reference, "SIM-" and 10 hex digits.
func newReference() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "SIM-" + strings.ToUpper(hex.EncodeToString(b))
}
