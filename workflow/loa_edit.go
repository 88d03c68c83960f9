package workflow

import (
	"slices"
	"strings"

	"github.com/portdesk/portdesk/loa"
	"github.com/portdesk/portdesk/porting"
)

// AttestationInput is the team's judgement of the signed LOA; blank or nil
// fields stay as they are.
type AttestationInput struct {
	// Signature is the kind of signature the team saw.
	Signature porting.SignatureKind
	// WetSignature is the first API version's boolean: true means Signature
	// wet, false a signature that is not wet, of a kind it does not say.
	//
	// Deprecated: give Signature.
	WetSignature *bool
	Legible      *bool
}

// setLOA replaces the order's LOA data. A nil pin keeps the PIN on file.
func setLOA(p porting.Principal, o *porting.PortOrder, data porting.LOAData, pin *string) error {
	if !o.Status.LOAEditableBy(p.Role) {
		return porting.Errorf(porting.ECONFLICT, "the LOA data cannot change in status %s", o.Status)
	}
	if data.PartialPort != nil && !slices.Contains(porting.RemainingActions, data.PartialPort.RemainingAction) {
		return porting.FieldErrorf("loa.partial_port.remaining_action", "remaining_action must be keep or disconnect")
	}
	if err := normalizeLOANumbers(o.Country, &data); err != nil {
		return err
	}
	data.PIN = ""
	if o.LOA != nil {
		data.PIN = o.LOA.PIN
	}
	if pin != nil {
		data.PIN = strings.TrimSpace(*pin)
	}
	data.PINSet = data.PIN != ""
	// Before 2099: the 15 days after it, and the deadline at their end, stay
	// inside the range of times portdesk accepts (porting.CheckTime).
	if so := data.SignedOn; so != nil && (so.Year < 2000 || so.Year > 2098) {
		return porting.FieldErrorf("loa.signed_on", "signed_on %s is not a plausible signing date", so)
	}
	o.LOA = &data
	return nil
}

// setCSR records the carrier's Customer Service Record on the order.
func (s *LOA) setCSR(p porting.Principal, o *porting.PortOrder, csr porting.CSR) error {
	ok := p.Role.Staff() && o.Status.BeforeSubmission() || p.Role == porting.RoleCustomer && o.Status.LOAEditableBy(p.Role)
	if !ok {
		return porting.Errorf(porting.ECONFLICT, "the CSR cannot change in status %s", o.Status)
	}
	// The LOA is checked against the CSR; a customer who could replace the
	// team's (or the carrier's) record could make any LOA match.
	if p.Role == porting.RoleCustomer && o.CSR != nil && o.CSR.Source != "customer" {
		return porting.Errorf(porting.ECONFLICT, "the CSR on file was recorded by the %s; ask the porting team to correct it", o.CSR.Source)
	}
	if err := normalizeCSRNumbers(o.Country, &csr); err != nil {
		return err
	}
	csr.Source = "customer"
	if p.Role.Staff() {
		csr.Source = "staff"
	}
	csr.RecordedAt = s.clock.Now()
	o.CSR = &csr
	return nil
}

// confirmCSR records that the porting team checked a customer's proposed
// CSR against the carrier: the LOA may then be approved against it.
func (s *LOA) confirmCSR(p porting.Principal, o *porting.PortOrder) error {
	switch {
	case !p.Role.Staff():
		return porting.Errorf(porting.EFORBIDDEN, "only the porting team confirms that a CSR is the carrier's record")
	case o.CSR == nil:
		return porting.FieldErrorf("confirm_csr", "there is no CSR on file to confirm")
	case !o.Status.BeforeSubmission():
		return porting.Errorf(porting.ECONFLICT, "the CSR cannot change in status %s", o.Status)
	}
	now := s.clock.Now()
	o.CSR.ConfirmedBy, o.CSR.ConfirmedAt = p.KeyID, &now
	return nil
}

// attest records the team's judgement of the signed LOA. A kind outside
// porting.SignatureKinds, or a deprecated wet_signature that contradicts
// the kind given with it, is a field error.
func (s *LOA) attest(p porting.Principal, o *porting.PortOrder, in AttestationInput) error {
	kind := in.Signature
	if kind != "" && !slices.Contains(porting.SignatureKinds, kind) {
		return porting.FieldErrorf("attestation.signature", "signature must be wet, electronic or printed")
	}
	if w := in.WetSignature; w != nil {
		switch {
		case kind == "" && *w:
			kind = porting.SignatureWet
		case kind == "":
			kind = porting.SignatureNotWet
		case *w != (kind == porting.SignatureWet):
			return porting.FieldErrorf("attestation.wet_signature", "wet_signature %t contradicts signature %s; give signature only", *w, kind)
		}
	}
	a := porting.Attestation{}
	if o.Attestation != nil {
		a = *o.Attestation
	}
	if kind != "" {
		a.SetSignature(kind)
	}
	if in.Legible != nil {
		a.Legible = in.Legible
	}
	now := s.clock.Now()
	a.By, a.At = p.KeyID, &now
	o.Attestation = &a
	return nil
}

// loaOrder maps an order to the LOA package's view of it.
func loaOrder(o *porting.PortOrder, winning string) loa.Order {
	out := loa.Order{ID: o.ID, Country: o.Country, LosingCarrier: o.LosingCarrier, WinningCarrier: winning, NumberKind: string(o.NumberKind)}
	out.Numbers = make([]loa.Number, 0, len(o.PhoneNumbers))
	for _, n := range o.PhoneNumbers {
		if n.Status.Holds() {
			out.Numbers = append(out.Numbers, loa.Number{PhoneNumber: n.PhoneNumber, Country: o.Country, LosingCarrier: o.LosingCarrier})
		}
	}
	if len(out.Numbers) == 0 {
		out.Numbers = nil // as before: an order holding nothing has no numbers, not an empty list
	}
	return out
}
