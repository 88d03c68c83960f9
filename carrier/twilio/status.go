package twilio

import (
	"context"
	"strconv"
	"strings"
	"time"

	numbers "github.com/twilio/twilio-go/rest/numbers/v1"

	"github.com/portdesk/portdesk/porting"
)

// Twilio's statuses of a port-in request and of its phone numbers, as
// normalizeStatus writes them.
const (
	statusInReview            = "in_review"
	statusWaitingForSignature = "waiting_for_signature"
	statusInProgress          = "in_progress"
	statusSubmitted           = "submitted"
	statusPending             = "pending"
	statusRejected            = "rejected"
	statusActionRequired      = "action_required"
	statusCompleted           = "completed"
	statusCanceled            = "canceled"
	statusExpired             = "expired"
)

// Ranks of the states in the lifecycle: the answers' sequence.
const (
	rankInReview = iota + 1
	rankWaitingForSignature
	rankInProgress
	rankPending
	rankFOC
	rankRejected
	rankExpired
	rankFinal
)

// maxNumberFetches bounds the phone numbers Status fetches one by one for
// detail; past it the request's own list is read as it is.
const maxNumberFetches = 50

// requestState is what portdesk reads of a port-in request: its status
// and its numbers' (none when a webhook spoke of the request alone).
type requestState struct {
	status  string
	updated time.Time
	numbers []numberState
}

// numberState is the state of one phone number of a request.
type numberState struct {
	sid        string
	status     string
	portDate   *time.Time
	reason     string
	reasonCode string
	updated    time.Time
}

// normalizeStatus folds Twilio's spellings of a status ("In review",
// "in-review", "in_review") into one.
func normalizeStatus(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer(" ", "_", "-", "_").Replace(s)
	if s == "cancelled" {
		return statusCanceled
	}
	return s
}

// Status fetches the port-in request and the detail of its numbers and
// returns the answer its current state gives (see the package table).
// ENOTFOUND when Twilio does not know the reference; EUNAVAILABLE to
// retry.
func (g *Gateway) Status(ctx context.Context, t porting.CarrierTicket) ([]porting.CarrierAnswer, error) {
	c := g.numbersAPI(ctx)
	req, err := c.api.FetchPortingPortIn(t.Reference)
	if err != nil {
		return nil, apiError("fetch port-in request "+t.Reference, c.lastStatus(), err)
	}
	st := requestState{status: stringOr(req.PortInRequestStatus, statusInReview)}
	if req.PhoneNumbers != nil {
		for _, n := range *req.PhoneNumbers {
			st.numbers = append(st.numbers, numberFromResult(n))
		}
	}
	if err := g.fetchNumberDetail(c, t.Reference, st.numbers); err != nil {
		return nil, err
	}
	return withOrder(answersForRequest(t.Reference, st, g.now()), t.OrderID), nil
}

// fetchNumberDetail refreshes, from the PhoneNumber resource, the numbers
// whose state needs detail the request's list may lack: a rejection's
// reason, a pending number's port date.
func (g *Gateway) fetchNumberDetail(c *call, sid string, nums []numberState) error {
	fetched := 0
	for i, n := range nums {
		needs := (n.status == statusRejected && n.reason == "") || (n.status == statusPending && n.portDate == nil)
		if !needs || n.sid == "" || fetched == maxNumberFetches {
			continue
		}
		fetched++
		pn, err := c.api.FetchPortingPortInPhoneNumber(sid, n.sid)
		if err != nil {
			return apiError("fetch phone number "+n.sid+" of port-in request "+sid, c.lastStatus(), err)
		}
		nums[i] = numberFromResource(pn, n)
	}
	return nil
}

// numberFromResult reads a number from the request's list.
func numberFromResult(n numbers.NumbersV1PortingPortInPhoneNumberResult) numberState {
	s := numberState{sid: n.PortInPhoneNumberSid, status: normalizeStatus(n.PortInPhoneNumberStatus), portDate: n.PortDate}
	s.reason = stringOr(n.RejectionReason, "")
	s.reasonCode = stringOr(n.RejectionReasonCode, "")
	if n.StatusLastTimeUpdatedTimestamp != nil {
		s.updated, _ = time.Parse(time.RFC3339, *n.StatusLastTimeUpdatedTimestamp)
	}
	return s
}

// numberFromResource reads a number from its own resource over what the
// request's list said.
func numberFromResource(pn *numbers.NumbersV1PortingPortInPhoneNumber, s numberState) numberState {
	if pn.PortInPhoneNumberStatus != nil {
		s.status = normalizeStatus(*pn.PortInPhoneNumberStatus)
	}
	if pn.PortDate != nil {
		s.portDate = pn.PortDate
	}
	s.reason = stringOr(pn.RejectionReason, s.reason)
	if pn.RejectionReasonCode != nil {
		s.reasonCode = strconv.Itoa(*pn.RejectionReasonCode)
	}
	if pn.LastUpdated != nil {
		s.updated = *pn.LastUpdated
	}
	return s
}

// answersForRequest maps a request's state onto portdesk's answers: the
// one table of the package comment, shared by polls and webhooks.
func answersForRequest(sid string, st requestState, now time.Time) []porting.CarrierAnswer {
	at := latestUpdate(st, now)
	switch normalizeStatus(st.status) {
	case statusCanceled:
		return []porting.CarrierAnswer{answer(sid, statusCanceled, porting.AnswerCancelled, rankFinal, at)}
	case statusCompleted:
		if anyNumber(st.numbers, statusCanceled) && !anyNumber(st.numbers, statusCompleted) {
			return []porting.CarrierAnswer{answer(sid, statusCanceled, porting.AnswerCancelled, rankFinal, at)}
		}
		return []porting.CarrierAnswer{answer(sid, statusCompleted, porting.AnswerActivated, rankFinal, at)}
	case statusExpired:
		a := answer(sid, statusExpired, porting.AnswerRejected, rankExpired, at)
		a.Rejections = []porting.CarrierRejection{{Code: "FOC_EXPIRED", Message: "Twilio reports the port-in request expired."}}
		return []porting.CarrierAnswer{a}
	}
	if rejected := rejectedAnswers(sid, st.numbers, at); len(rejected) > 0 {
		return rejected
	}
	return []porting.CarrierAnswer{progressAnswer(sid, st, at)}
}

// progressAnswer is the answer of a request on its way: accepted at its
// stage, or foc once every live number has a port date.
func progressAnswer(sid string, st requestState, at time.Time) porting.CarrierAnswer {
	switch normalizeStatus(st.status) {
	case statusActionRequired:
		a := answer(sid, statusActionRequired, porting.AnswerRejected, rankRejected, at)
		a.Rejections = []porting.CarrierRejection{{Code: "OTHER", Message: "Twilio reports the port-in request needs action; see the Twilio console."}}
		return a
	case statusInReview:
		return answer(sid, statusInReview, porting.AnswerAccepted, rankInReview, at)
	case statusWaitingForSignature:
		return answer(sid, statusWaitingForSignature, porting.AnswerAccepted, rankWaitingForSignature, at)
	}
	live := liveNumbers(st.numbers)
	if len(live) == 0 || !allNumbers(live, statusPending) {
		return answer(sid, statusInProgress, porting.AnswerAccepted, rankInProgress, at)
	}
	foc := latestPortDate(live)
	if foc == nil {
		return answer(sid, statusPending, porting.AnswerAccepted, rankPending, at)
	}
	a := answer(sid, "foc:"+foc.UTC().Format(time.RFC3339), porting.AnswerFOC, rankFOC, at)
	focAt := foc.UTC()
	a.FOCAt = &focAt
	return a
}

// rejectedAnswers returns one rejected answer per rejected number.
func rejectedAnswers(sid string, nums []numberState, at time.Time) []porting.CarrierAnswer {
	var out []porting.CarrierAnswer
	for _, n := range nums {
		if n.status != statusRejected {
			continue
		}
		a := answer(sid, "rejected:"+n.sid, porting.AnswerRejected, rankRejected, at)
		a.Rejections = []porting.CarrierRejection{rejection(n.reason, n.reasonCode)}
		a.Message = n.reason
		out = append(out, a)
	}
	return out
}

// answer builds an answer whose ID is the request SID and the state key.
func answer(sid, key string, kind porting.AnswerKind, rank int64, at time.Time) porting.CarrierAnswer {
	return porting.CarrierAnswer{ID: sid + ":" + key, Kind: kind, Reference: sid, Sequence: rank, OccurredAt: at}
}

// liveNumbers drops the numbers cancelled out of a request.
func liveNumbers(nums []numberState) []numberState {
	var live []numberState
	for _, n := range nums {
		if n.status != statusCanceled {
			live = append(live, n)
		}
	}
	return live
}

// anyNumber reports whether a number has status.
func anyNumber(nums []numberState, status string) bool {
	for _, n := range nums {
		if n.status == status {
			return true
		}
	}
	return false
}

// allNumbers reports whether every number has status.
func allNumbers(nums []numberState, status string) bool {
	for _, n := range nums {
		if n.status != status {
			return false
		}
	}
	return true
}

// latestPortDate returns the last port date of numbers that all have one
// (the order is ported then), nil when one lacks it.
func latestPortDate(nums []numberState) *time.Time {
	var last *time.Time
	for _, n := range nums {
		if n.portDate == nil {
			return nil
		}
		if last == nil || n.portDate.After(*last) {
			last = n.portDate
		}
	}
	return last
}

// latestUpdate returns when the state last changed, as Twilio says, or now.
func latestUpdate(st requestState, now time.Time) time.Time {
	at := st.updated
	for _, n := range st.numbers {
		if n.updated.After(at) {
			at = n.updated
		}
	}
	if at.IsZero() {
		return now
	}
	return at
}
