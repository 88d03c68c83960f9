package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/portdesk/portdesk/carrier/protocol"
)

// answerLater emits drafts, in order, about p after the answer delay,
// without holding up the call that caused them.
func (s *Sim) answerLater(p *portIn, drafts ...protocol.Callback) {
	s.goLater(func() {
		if !s.sleep(s.cfg.AnswerDelay) {
			return
		}
		for _, d := range drafts {
			s.emit(p, d)
		}
	})
}

// emit numbers draft, records it as an answer about p (a status poll lists
// it from now on) and sends it, as the faults say: maybe not at all, maybe
// twice, maybe after the next one.
func (s *Sim) emit(p *portIn, draft protocol.Callback) {
	s.mu.Lock()
	p.sequence++
	cb := draft
	cb.ID, cb.Reference, cb.OrderID = protocol.NewID("cb"), p.reference, p.orderID
	cb.Sequence, cb.OccurredAt = p.sequence, s.cfg.Now().UTC()
	p.answers = append(p.answers, cb)
	switch cb.Type {
	case protocol.TypeFOC:
		p.foc = cb.FOCAt
	case protocol.TypeRejected:
		p.foc = nil
	}
	url := p.callbackURL
	var send []protocol.Callback
	held := false
	switch {
	case s.chanceLocked(s.cfg.Faults.DropCallbacks):
		s.cfg.Log.Info("callback dropped on purpose", "reference", p.reference, "type", cb.Type, "sequence", cb.Sequence)
	case !s.cfg.Faults.ReorderCallbacks:
		send = []protocol.Callback{cb}
	case p.held != nil:
		send = []protocol.Callback{cb, *p.held}
		p.held = nil
	default:
		p.held, held = &cb, true
	}
	s.mu.Unlock()
	if held {
		s.goLater(func() { s.flushHeld(p, cb.ID) })
	}
	for _, c := range send {
		s.deliver(url, c)
	}
}

// flushHeld sends the callback held for reordering when no other answer
// about its reference came within two answer delays.
func (s *Sim) flushHeld(p *portIn, id string) {
	if !s.sleep(2 * s.cfg.AnswerDelay) {
		return
	}
	s.mu.Lock()
	held := p.held
	if held == nil || held.ID != id {
		s.mu.Unlock()
		return
	}
	p.held = nil
	url := p.callbackURL
	s.mu.Unlock()
	s.deliver(url, *held)
}

// deliver posts a callback (twice with the duplicate fault).
func (s *Sim) deliver(url string, cb protocol.Callback) {
	s.deliverOnce(url, cb)
	if s.cfg.Faults.DuplicateCallbacks {
		s.deliverOnce(url, cb)
	}
}

// deliverOnce posts a callback until the desk answers 2xx, retrying with
// a doubling backoff up to CallbackAttempts times.
func (s *Sim) deliverOnce(url string, cb protocol.Callback) {
	body, err := json.Marshal(cb)
	if err != nil {
		s.cfg.Log.Error("encode callback", "err", err)
		return
	}
	wait := s.cfg.CallbackBackoff
	for attempt := 1; ; attempt++ {
		err := s.post(url, body)
		if err == nil {
			return
		}
		s.cfg.Log.Warn("callback failed", "reference", cb.Reference, "sequence", cb.Sequence, "attempt", attempt, "err", err)
		if attempt >= s.cfg.CallbackAttempts || !s.sleep(wait) {
			return
		}
		wait *= 2
	}
}

// post sends one signed callback; an error for anything but a 2xx.
func (s *Sim) post(url string, body []byte) error {
	req, err := protocol.NewRequest(http.MethodPost, url, s.cfg.Secret, s.cfg.Now(), body)
	if err != nil {
		return fmt.Errorf("sim: callback request: %w", err)
	}
	resp, err := s.cfg.Client.Do(req.WithContext(s.ctx))
	if err != nil {
		return fmt.Errorf("sim: post callback to %s: %w", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, protocol.MaxBody))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sim: post callback to %s: answered %s", url, resp.Status)
	}
	return nil
}
