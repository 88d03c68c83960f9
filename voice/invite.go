package voice

import (
	"context"
	"net"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/portdesk/portdesk/porting"
)

// answer is the ingress's decision about one INVITE.
type answer struct {
	status  int
	reason  string
	outcome porting.CallOutcome
	route   *porting.NumberRoute // nil when the router did not know the number
}

// Answers the ingress gives, one per call outcome.
var (
	answerNotFound    = answer{status: sip.StatusNotFound, reason: "Not Found", outcome: porting.CallNotFound}
	answerUnavailable = answer{status: sip.StatusTemporarilyUnavailable, reason: "Temporarily Unavailable", outcome: porting.CallUnavailable}
	answerAnswered    = answer{status: sip.StatusOK, reason: "OK", outcome: porting.CallAnswered}
	answerFailed      = answer{status: sip.StatusInternalServerError, reason: "Server Internal Error", outcome: porting.CallFailed}
)

// handleInvite answers one INVITE and records the call (with an empty
// PhoneNumber when the INVITE names no number). Beyond
// MaxConcurrent INVITEs at once it sheds the call with 503 without asking
// or telling the router, whose load is what is being bounded.
func (in *Ingress) handleInvite(req *sip.Request, tx sip.ServerTransaction) {
	select {
	case in.slots <- struct{}{}:
		defer func() { <-in.slots }()
	default:
		in.respond(tx, finalResponse(req, sip.StatusServiceUnavailable, "Service Unavailable"))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), in.opts.RouteTimeout)
	defer cancel()

	number := DialledNumber(req)
	a := in.decide(ctx, number)
	in.record(ctx, req, number, a)
	in.respond(tx, in.response(req, a))
}

// decide maps the router's view of number to an answer: 404 for no
// number, an unknown one or one without a flow, 480 while it is pending
// its port, 200 when it is active with a flow, 500 when the router fails.
func (in *Ingress) decide(ctx context.Context, number string) answer {
	if number == "" {
		return answerNotFound
	}
	route, err := in.router.RouteCall(ctx, number)
	switch {
	case porting.ErrorCode(err) == porting.ENOTFOUND || (err == nil && route == nil):
		return answerNotFound
	case err != nil:
		in.opts.Logger.Error("voice: route call", "number", number, "error", err)
		return answerFailed
	}
	a := answerNotFound
	switch {
	case route.Status == porting.InventoryPendingPort:
		a = answerUnavailable
	case route.Status == porting.InventoryActive && route.ContactFlowID != "":
		a = answerAnswered
	}
	a.route = route
	return a
}

// record tells the router of the call. The source is the address the
// INVITE came from (never the caller's number); the flow is named only
// when it took the call.
func (in *Ingress) record(ctx context.Context, req *sip.Request, number string, a answer) {
	rec := porting.CallRecord{
		PhoneNumber: number,
		At:          in.opts.Now(),
		Source:      req.Source(),
		Outcome:     a.outcome,
		TestCallID:  testCallID(req),
	}
	if a.route != nil {
		rec.InstanceID = a.route.InstanceID
		if a.outcome == porting.CallAnswered {
			rec.ContactFlowID = a.route.ContactFlowID
		}
	}
	if err := in.router.RecordCall(ctx, rec); err != nil {
		in.opts.Logger.Error("voice: record call", "number", number, "outcome", a.outcome, "error", err)
	}
}

// response builds the SIP answer for a; a 200 names the flow in the
// porting.HeaderContactFlow headers and gives a Contact for the BYE.
func (in *Ingress) response(req *sip.Request, a answer) *sip.Response {
	res := finalResponse(req, a.status, a.reason)
	if a.outcome != porting.CallAnswered {
		return res
	}
	res.AppendHeader(sip.NewHeader(porting.HeaderContactFlow, headerText(a.route.ContactFlowID)))
	if name := headerText(a.route.ContactFlowName); name != "" {
		res.AppendHeader(sip.NewHeader(porting.HeaderContactFlowName, name))
	}
	res.AppendHeader(&sip.ContactHeader{Address: in.contactURI(req)})
	return res
}

// maxHeaderText bounds a flow's ID or name in a SIP header.
const maxHeaderText = 256

// headerText makes s safe as a header value: flow names are typed by
// customers, and a line break in one would forge headers. Control
// characters become spaces and the text is cut to maxHeaderText bytes.
func headerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxHeaderText {
		s = strings.ToValidUTF8(s[:maxHeaderText], "")
	}
	return strings.TrimSpace(s)
}

// finalResponse is a final answer to req with the To tag that a UAS adds.
func finalResponse(req *sip.Request, status int, reason string) *sip.Response {
	res := sip.NewResponseFromRequest(req, status, reason, nil)
	if to := res.To(); to != nil && !to.Params.Has("tag") {
		to.Params.Add("tag", sip.GenerateTagN(16))
	}
	return res
}

// contactURI is where the caller reaches the ingress again: the address
// bound for the request's transport, else the Request-URI's host.
func (in *Ingress) contactURI(req *sip.Request) sip.Uri {
	uri := sip.Uri{Scheme: "sip", User: "portdesk", Host: req.Recipient.Host, Port: req.Recipient.Port}
	if bound := in.boundAddr(req.Transport()); bound != "" {
		host, port, err := sip.ParseAddr(bound)
		if ip := net.ParseIP(host); err == nil && ip != nil && !ip.IsUnspecified() {
			uri.Host, uri.Port = host, port
		}
	}
	if transport := strings.ToLower(req.Transport()); transport != "" && transport != "udp" {
		uri.UriParams = sip.NewParams()
		uri.UriParams.Add("transport", transport)
	}
	return uri
}

// testCallID is the test call an INVITE places, named by the desk's
// caller in the Request-URI parameter porting.TestCallParam; "" for a real
// call or a value that is not an ID.
func testCallID(req *sip.Request) string {
	id, _ := req.Recipient.UriParams.Get(porting.TestCallParam)
	if id == "" || len(id) > 64 {
		return ""
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return ""
		}
	}
	return id
}
