package httpgw_test

import (
	"slices"
	"testing"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/carrier/sim"
	"github.com/portdesk/portdesk/porting"
)

func TestSubmitAnswersAcceptedThenFOC(t *testing.T) {
	t.Parallel()
	// The first window 5 US business days after Monday 1 March 2027 15:00
	// UTC opens Monday 8 March at 07:00 Chicago (CST, UTC-6).
	const earliest = "2027-03-08T13:00:00Z"
	tests := []struct {
		name      string
		requested string
		want      string
	}{
		{"no date asked", "", earliest},
		{"valid date asked", "2027-03-10T15:00:00Z", "2027-03-10T15:00:00Z"},
		{"Saturday asked", "2027-03-13T15:00:00Z", earliest},
		{"too soon asked", "2027-03-03T15:00:00Z", earliest},
		{"outside the window asked", "2027-03-10T02:00:00Z", earliest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			s := b.acmeSubmission("po_foc")
			if tt.requested != "" {
				at := utc(t, tt.requested)
				s.RequestedFOCAt = &at
			}
			ref := b.mustSubmit(t, s)
			got := b.desk.Wait(t, 2, waitFor)
			wantSequence(t, got, ref, protocol.TypeAccepted, protocol.TypeFOC)
			foc := got[1].FOCAt
			if foc == nil || !foc.Equal(utc(t, tt.want)) {
				t.Fatalf("FOC = %v, want %s", foc, tt.want)
			}
			if err := calendar.CheckPortTime("US", *foc, submittedAt, calendar.PlanRules{LeadBusinessDays: sim.DefaultLeadBusinessDays}); err != nil {
				t.Errorf("FOC %s breaks the US porting rules: %v", foc, err)
			}
			if n := calendar.BusinessDaysBetween("US", submittedAt, *foc); n < sim.DefaultLeadBusinessDays {
				t.Errorf("FOC is %d business days after submission, want ≥ %d", n, sim.DefaultLeadBusinessDays)
			}
		})
	}
}

// wantSequence checks callbacks are about ref, numbered 1, 2, … and of the
// given types in that order.
func wantSequence(t *testing.T, got []protocol.Callback, ref string, types ...string) {
	t.Helper()
	if len(got) != len(types) {
		t.Fatalf("got %d callbacks, want %d: %+v", len(got), len(types), got)
	}
	for i, cb := range got {
		if cb.Reference != ref || cb.Type != types[i] || cb.Sequence != int64(i+1) {
			t.Errorf("callback %d = %s #%d about %s, want %s #%d about %s", i, cb.Type, cb.Sequence, cb.Reference, types[i], i+1, ref)
		}
	}
}

func TestSubmitRejectsWhatTheAccountDoesNotSay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		change       func(s *porting.CarrierSubmission)
		wantCode     string
		carrierValue string
	}{
		{"entity name", func(s *porting.CarrierSubmission) { s.LOA.EntityName = "ACME Support Limited" }, "ENTITY_NAME_MISMATCH", "Acme Support Ltd"},
		{"unknown account", func(s *porting.CarrierSubmission) { s.LOA.AccountNumber = "0000000000" }, "ACCOUNT_NUMBER_MISMATCH", ""},
		{"wrong PIN", func(s *porting.CarrierSubmission) { s.LOA.PIN = "1111" }, "PASSCODE_PIN_INVALID", ""},
		{"no PIN", func(s *porting.CarrierSubmission) { s.LOA.PIN = "" }, "PASSCODE_PIN_INVALID", ""},
		{"street", func(s *porting.CarrierSubmission) { s.LOA.ServiceAddress.Street = "100 Main St" }, "LOCATION_MISMATCH", "100 Main Street, Chicago, IL 60601, US"},
		{"postal code", func(s *porting.CarrierSubmission) { s.LOA.ServiceAddress.PostalCode = "60602" }, "POSTAL_CODE_MISMATCH", "60601"},
		{"authorized person", func(s *porting.CarrierSubmission) { s.LOA.AuthorizedPerson.Name = "J. Doe" }, "AUTH_PERSON_MISMATCH", "Jane Doe"},
		{"BTN", func(s *porting.CarrierSubmission) { s.LOA.BTN = "+13125550141" }, "BTN_ATN_MISMATCH", "+13125550140"},
		{"number of another account", func(s *porting.CarrierSubmission) {
			s.PhoneNumbers = append(s.PhoneNumbers, "+16175550170")
		}, "PHONE_NUMBER_MISMATCH", ""},
		{"partial port taking the BTN", func(s *porting.CarrierSubmission) {
			s.PhoneNumbers = []string{"+13125550140"}
			s.LOA.PartialPort = &porting.PartialPort{RemainingNumbers: []string{"+13125550141", "+13125550142"}, RemainingAction: porting.RemainingKeep}
		}, "MAIN_BTN_PORTING", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			s := b.acmeSubmission("po_reject")
			tt.change(s)
			ref := b.mustSubmit(t, s)
			got := b.desk.Wait(t, 2, waitFor)
			wantSequence(t, got, ref, protocol.TypeAccepted, protocol.TypeRejected)
			rejections := got[1].Rejections
			if len(rejections) != 1 {
				t.Fatalf("rejections = %+v, want one %s", rejections, tt.wantCode)
			}
			r := rejections[0]
			if r.Code != tt.wantCode || r.Field != porting.ExceptionFields[tt.wantCode] || r.CarrierValue != tt.carrierValue {
				t.Errorf("rejection = %+v, want code %s field %s carrier_value %q", r, tt.wantCode, porting.ExceptionFields[tt.wantCode], tt.carrierValue)
			}
			if r.Code == "PASSCODE_PIN_INVALID" && r.CarrierValue != "" {
				t.Errorf("the PIN on file leaked: %q", r.CarrierValue)
			}
		})
	}
}

func TestSubmitListsEveryReason(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.acmeSubmission("po_many")
	s.LOA.EntityName, s.LOA.PIN, s.LOA.ServiceAddress.PostalCode = "Acme", "0000", "10001"
	ref := b.mustSubmit(t, s)
	got := b.desk.Wait(t, 2, waitFor)
	wantSequence(t, got, ref, protocol.TypeAccepted, protocol.TypeRejected)
	var codes []string
	for _, r := range got[1].Rejections {
		codes = append(codes, r.Code)
	}
	slices.Sort(codes)
	want := []string{"ENTITY_NAME_MISMATCH", "PASSCODE_PIN_INVALID", "POSTAL_CODE_MISMATCH"}
	if !slices.Equal(codes, want) {
		t.Errorf("codes = %v, want %v", codes, want)
	}
}

func TestPartialPortWithNewBTNIsCommitted(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.brightsideSubmission("po_partial")
	s.PhoneNumbers = []string{"+16175550150"}
	s.LOA.PartialPort = &porting.PartialPort{RemainingNumbers: []string{"+16175550151"}, RemainingAction: porting.RemainingKeep}
	ref := b.mustSubmit(t, s)
	got := b.desk.Wait(t, 2, waitFor)
	wantSequence(t, got, ref, protocol.TypeAccepted, protocol.TypeRejected)
	if got[1].Rejections[0].Code != "MAIN_BTN_PORTING" {
		t.Fatalf("rejections = %+v, want MAIN_BTN_PORTING", got[1].Rejections)
	}

	s.Reference, s.Supplement = ref, 1
	s.LOA.PartialPort.NewBTN = "+16175550151"
	if _, err := b.gw.Supplement(t.Context(), s); err != nil {
		t.Fatalf("Supplement: %v", err)
	}
	got = b.desk.Wait(t, 4, waitFor)
	wantSequence(t, got, ref, protocol.TypeAccepted, protocol.TypeRejected, protocol.TypeAccepted, protocol.TypeFOC)
}

func TestSupplementFixesTheEntityName(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.acmeSubmission("po_supp")
	s.LOA.EntityName = "Acme Support"
	ref := b.mustSubmit(t, s)
	got := b.desk.Wait(t, 2, waitFor)
	r := got[1].Rejections
	if len(r) != 1 || r[0].Code != "ENTITY_NAME_MISMATCH" || r[0].Field != "loa.entity_name" || r[0].CarrierValue != "Acme Support Ltd" {
		t.Fatalf("rejections = %+v, want the entity name with the carrier's value", r)
	}

	s.Reference, s.Supplement, s.LOA.EntityName = ref, 1, r[0].CarrierValue
	rc, err := b.gw.Supplement(t.Context(), s)
	if err != nil {
		t.Fatalf("Supplement: %v", err)
	}
	if rc.Reference != ref {
		t.Errorf("supplement reference = %s, want %s", rc.Reference, ref)
	}
	got = b.desk.Wait(t, 4, waitFor)
	wantSequence(t, got, ref, protocol.TypeAccepted, protocol.TypeRejected, protocol.TypeAccepted, protocol.TypeFOC)
}

func TestSupplementErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.acmeSubmission("po_nosupp")
	s.Supplement = 1
	_, err := b.gw.Supplement(t.Context(), s)
	wantCode(t, err, porting.EINVALID)

	s.Reference = "SIM-NOSUCH"
	_, err = b.gw.Supplement(t.Context(), s)
	wantCode(t, err, porting.EINVALID)
}

func TestResubmissionIsOne(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	s := b.acmeSubmission("po_twice")
	first := b.mustSubmit(t, s)
	second := b.mustSubmit(t, s)
	if first != second {
		t.Fatalf("references %s and %s, want one", first, second)
	}
	got := b.desk.Wait(t, 2, waitFor)
	wantSequence(t, got, first, protocol.TypeAccepted, protocol.TypeFOC)
	// A second piece of work would answer one answer delay after the first.
	b.desk.Quiet(t, 4*answerDelay)
	answers, err := b.gw.Status(t.Context(), porting.CarrierTicket{OrderID: s.OrderID, Reference: first})
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 2 {
		t.Errorf("status lists %d answers, want 2", len(answers))
	}
}

func TestStatusRecoversDroppedCallbacks(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *sim.Config) { c.Faults.DropCallbacks = 1 })
	s := b.acmeSubmission("po_drop")
	ref := b.mustSubmit(t, s)
	ticket := porting.CarrierTicket{OrderID: s.OrderID, Reference: ref}
	var answers []porting.CarrierAnswer
	for deadline := time.Now().Add(waitFor); len(answers) < 2; {
		var err error
		if answers, err = b.gw.Status(t.Context(), ticket); err != nil {
			t.Fatalf("Status: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("status lists %d answers, want 2", len(answers))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if answers[0].Kind != porting.AnswerAccepted || answers[1].Kind != porting.AnswerFOC || answers[1].FOCAt == nil {
		t.Errorf("answers = %+v, want accepted then foc", answers)
	}
	if answers[1].Sequence != 2 || answers[1].OrderID != s.OrderID || answers[1].Reference != ref {
		t.Errorf("foc answer = %+v", answers[1])
	}
	if n := b.desk.Attempts(); n != 0 {
		t.Errorf("the desk got %d callbacks, want none", n)
	}
}

func TestStatusOfUnknownReference(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	_, err := b.gw.Status(t.Context(), porting.CarrierTicket{OrderID: "po_x", Reference: "SIM/../x y"})
	wantCode(t, err, porting.EINVALID)
}
