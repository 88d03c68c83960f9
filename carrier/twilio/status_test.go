package twilio_test

import (
	"context"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

// wantAnswer is what a test expects of one answer: its ID after the
// request SID, kind, sequence and rejection code.
type wantAnswer struct {
	key      string
	kind     porting.AnswerKind
	sequence int64
	code     string
}

func TestStatusMapsEveryTwilioState(t *testing.T) {
	t.Parallel()
	foc := time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		state  string
		foc    *time.Time
		reason string
		want   wantAnswer
	}{
		{"in review", "in_review", nil, "", wantAnswer{"in_review", porting.AnswerAccepted, 1, ""}},
		{"waiting for signature", "waiting_for_signature", nil, "", wantAnswer{"waiting_for_signature", porting.AnswerAccepted, 2, ""}},
		{"submitted", "submitted", nil, "", wantAnswer{"in_progress", porting.AnswerAccepted, 3, ""}},
		{"pending without date", "pending", nil, "", wantAnswer{"pending", porting.AnswerAccepted, 4, ""}},
		{"port date set", "pending", &foc, "", wantAnswer{"foc:2026-12-15T14:00:00Z", porting.AnswerFOC, 5, ""}},
		{"rejected, name", "rejected", nil, "Customer name does not match the account", wantAnswer{"rejected:", porting.AnswerRejected, 6, "ENTITY_NAME_MISMATCH"}},
		{"rejected, pin", "rejected", nil, "Invalid PIN provided", wantAnswer{"rejected:", porting.AnswerRejected, 6, "PASSCODE_PIN_INVALID"}},
		{"rejected, unclear", "rejected", nil, "Pending order on the account", wantAnswer{"rejected:", porting.AnswerRejected, 6, "OTHER"}},
		{"action required", "action_required", nil, "", wantAnswer{"action_required", porting.AnswerRejected, 6, "OTHER"}},
		{"expired", "expired", nil, "", wantAnswer{"expired", porting.AnswerRejected, 7, "FOC_EXPIRED"}},
		{"completed", "completed", nil, "", wantAnswer{"completed", porting.AnswerActivated, 8, ""}},
		{"canceled", "canceled", nil, "", wantAnswer{"canceled", porting.AnswerCancelled, 8, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			sid := b.mustSubmit(t)
			if err := b.srv.SetStatus(sid, tt.state, tt.foc); err != nil {
				t.Fatal(err)
			}
			if tt.reason != "" {
				if err := b.srv.SetRejection(sid, tt.reason, 7001); err != nil {
					t.Fatal(err)
				}
			}
			answers, err := b.gw.Status(context.Background(), porting.CarrierTicket{OrderID: "po_1", Reference: sid})
			if err != nil {
				t.Fatalf("Status: %v", err)
			}
			want := tt.want
			if want.key == "rejected:" {
				if len(answers) != 2 {
					t.Fatalf("answers = %+v, want one per rejected number", answers)
				}
				req, _ := b.srv.Request(sid)
				want.key += req.Numbers[0].SID
			}
			checkAnswer(t, answers[0], sid, want)
			if tt.foc != nil && (answers[0].FOCAt == nil || !answers[0].FOCAt.Equal(*tt.foc)) {
				t.Errorf("FOCAt = %v, want %v", answers[0].FOCAt, tt.foc)
			}
			if tt.reason != "" && answers[0].Rejections[0].Message != tt.reason+" (Twilio code 7001)" {
				t.Errorf("rejection message = %q, want Twilio's text and code", answers[0].Rejections[0].Message)
			}
		})
	}
}

// checkAnswer compares an answer with what a test expects.
func checkAnswer(t *testing.T, got porting.CarrierAnswer, sid string, want wantAnswer) {
	t.Helper()
	if got.ID != sid+":"+want.key || got.Kind != want.kind || got.Sequence != want.sequence || got.Reference != sid {
		t.Errorf("answer = %s %s seq %d ref %s, want %s:%s %s seq %d",
			got.ID, got.Kind, got.Sequence, got.Reference, sid, want.key, want.kind, want.sequence)
	}
	code := ""
	if len(got.Rejections) > 0 {
		code = got.Rejections[0].Code
	}
	if code != want.code {
		t.Errorf("rejection code = %q, want %q", code, want.code)
	}
}

func TestStatusIsStableAcrossPolls(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sid := b.mustSubmit(t)
	foc := time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC)
	if err := b.srv.SetStatus(sid, "pending", &foc); err != nil {
		t.Fatal(err)
	}
	ticket := porting.CarrierTicket{OrderID: "po_1", Reference: sid}
	first, err1 := b.gw.Status(context.Background(), ticket)
	second, err2 := b.gw.Status(context.Background(), ticket)
	if err1 != nil || err2 != nil || first[0].ID != second[0].ID || first[0].Sequence != second[0].Sequence {
		t.Errorf("polls gave %+v and %+v; want the same answer twice", first, second)
	}
}

func TestPollRecoversMissedWebhook(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sid := b.mustSubmit(t)
	foc := time.Date(2026, 12, 15, 14, 0, 0, 0, time.UTC)
	// The carrier set the port date; Twilio's webhook never arrived.
	if err := b.srv.SetStatus(sid, "pending", &foc); err != nil {
		t.Fatal(err)
	}
	answers, err := b.gw.Status(context.Background(), porting.CarrierTicket{OrderID: "po_1", Reference: sid})
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if len(answers) != 1 || answers[0].Kind != porting.AnswerFOC || !answers[0].FOCAt.Equal(foc) || answers[0].OrderID != "po_1" {
		t.Errorf("answers = %+v, want the foc for %v of po_1", answers, foc)
	}
}

func TestStatusUnknownRequestIsNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.gw.Status(context.Background(), porting.CarrierTicket{Reference: "KW000000000000000000000000000000ff"})
	if code := porting.ErrorCode(err); code != porting.ENOTFOUND {
		t.Errorf("Status error = %v (code %q), want %q", err, code, porting.ENOTFOUND)
	}
}
