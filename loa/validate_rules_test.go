package loa

import (
	"slices"
	"testing"

	"github.com/portdesk/portdesk/porting"
)

func TestValidateSignatureNotWet(t *testing.T) {
	runCodeCases(t, CodeSignatureNotWet, []validateCase{
		{"attested wet", func(in *Input) {}, nil},
		{"not attested yet is pending, not a fault", func(in *Input) { in.Attestation.Signature = "" }, nil},
		{"printed signature", func(in *Input) { in.Attestation.Signature = "printed" },
			[]porting.Finding{block(CodeSignatureNotWet, "attestation.signature", "wet", "printed",
				"the signature is printed, not handwritten in ink; typed, printed, pasted, copied and electronic signatures are rejected")}},
		{"electronic signature before review", func(in *Input) {
			in.Attestation.Signature = "electronic"
			in.RequireAttestation = false
		}, []porting.Finding{block(CodeSignatureNotWet, "attestation.signature", "wet", "electronic", "")}},
	})
}

func TestValidateIllegible(t *testing.T) {
	runCodeCases(t, CodeIllegible, []validateCase{
		{"attested legible", func(in *Input) {}, nil},
		{"not attested yet is pending, not a fault", func(in *Input) { in.Attestation.Legible = nil }, nil},
		{"illegible", func(in *Input) { in.Attestation.Legible = ptr(false) },
			[]porting.Finding{block(CodeIllegible, "attestation.legible", "true", "false", "")}},
	})
}

func pending(code, field, expected, got, hint string) porting.Finding {
	return porting.Finding{Code: code, Severity: porting.SeverityPending, Field: field, Expected: expected, Got: got, Hint: hint}
}

func TestValidateAttestationPending(t *testing.T) {
	const want = "the porting team's judgement of the signed LOA"
	runCodeCases(t, CodeAttestationPending, []validateCase{
		{"attested", func(in *Input) {}, nil},
		{"not in review yet", func(in *Input) {
			in.Attestation = porting.Attestation{}
			in.RequireAttestation = false
		}, nil},
		{"nothing attested", func(in *Input) { in.Attestation = porting.Attestation{} },
			[]porting.Finding{pending(CodeAttestationPending, "attestation", want, "",
				"staff have not yet judged the signed LOA's signature and legible")}},
		{"legibility only", func(in *Input) { in.Attestation.Legible = nil },
			[]porting.Finding{pending(CodeAttestationPending, "attestation", want, "",
				"staff have not yet judged the signed LOA's legible")}},
		{"signature only, even when legibility is refused", func(in *Input) {
			in.Attestation = porting.Attestation{Legible: ptr(false)}
		}, []porting.Finding{pending(CodeAttestationPending, "attestation", want, "",
			"staff have not yet judged the signed LOA's signature")}},
	})
	in := cleanInput()
	in.Attestation = porting.Attestation{}
	if got := Validate(in); HasBlocking(got) {
		t.Errorf("an LOA waiting for its attestation has blocking findings: %+v", got)
	}
}

func TestValidateLOANotSigned(t *testing.T) {
	const generated, scan = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
	runCodeCases(t, CodeLOANotSigned, []validateCase{
		{"nothing generated", func(in *Input) { in.SignedLOA = scan }, nil},
		{"a signed scan", func(in *Input) { in.SignedLOA, in.GeneratedLOAs = scan, []string{generated} }, nil},
		{"no signed LOA yet", func(in *Input) { in.GeneratedLOAs = []string{generated} }, nil},
		{"the generated file uploaded as signed", func(in *Input) {
			in.SignedLOA, in.GeneratedLOAs = generated, []string{scan, generated}
		}, []porting.Finding{block(CodeLOANotSigned, "documents.loa_signed", "the LOA signed by the authorized person",
			"the unsigned LOA portdesk generated", "")}},
	})
}

func TestValidateMissingField(t *testing.T) {
	runCodeCases(t, CodeMissingField, []validateCase{
		{"all present", func(in *Input) {}, nil},
		{"region is optional", func(in *Input) {
			in.Data.ServiceAddress.Region = ""
			in.CSR.ServiceAddress.Region = ""
		}, nil},
		{"no signed LOA, no date needed", func(in *Input) {
			in.Data.SignedOn = nil
			in.DocumentTypes = []string{"csr"}
		}, nil},
		{"entity name blank shows the CSR value", func(in *Input) { in.Data.EntityName = "" },
			[]porting.Finding{block(CodeMissingField, "entity_name", "Acme Inc", "", "copy it exactly as the CSR shows it")}},
		{"postal code only spaces, no CSR", func(in *Input) {
			in.CSR = nil
			in.Data.ServiceAddress.PostalCode = "  "
		}, []porting.Finding{block(CodeMissingField, "service_address.postal_code", "", "", "required by the losing carrier")}},
		{"every required field", func(in *Input) {
			in.CSR = nil
			in.Data = porting.LOAData{}
			in.Order.Numbers = nil
		}, []porting.Finding{
			block(CodeMissingField, "entity_name", "", "", ""),
			block(CodeMissingField, "service_address.street", "", "", ""),
			block(CodeMissingField, "service_address.city", "", "", ""),
			block(CodeMissingField, "service_address.postal_code", "", "", ""),
			block(CodeMissingField, "service_address.country", "", "", ""),
			block(CodeMissingField, "authorized_person.name", "", "", ""),
			block(CodeMissingField, "account_number", "", "", ""),
			block(CodeMissingField, "btn", "", "", ""),
			block(CodeMissingField, "signed_on", "the date written on the signed LOA", "", ""),
			block(CodeMissingField, "numbers", "at least one number", "", ""),
		}},
	})
}

func TestValidateMixedCarriers(t *testing.T) {
	runCodeCases(t, CodeMixedCarriers, []validateCase{
		{"one carrier", func(in *Input) {}, nil},
		{"blank carrier is the order's", func(in *Input) { in.Order.Numbers[1].LosingCarrier = "" }, nil},
		{"another carrier, counted once", func(in *Input) {
			in.Order.Numbers[1].LosingCarrier = "Verizon"
			in.Order.Numbers[2].LosingCarrier = "Verizon"
		}, []porting.Finding{block(CodeMixedCarriers, "numbers.losing_carrier", "Lumen", "Verizon",
			"2 number(s), first +12125550102, belong to another losing carrier; an LOA covers one losing carrier, so split the order")}},
		{"order without carrier uses the first number's", func(in *Input) {
			in.Order.LosingCarrier = ""
			in.Order.Numbers[0].LosingCarrier = ""
			in.Order.Numbers[2].LosingCarrier = "Verizon"
		}, []porting.Finding{block(CodeMixedCarriers, "numbers.losing_carrier", "Lumen", "Verizon", "")}},
	})
}

func TestValidateMixedCountries(t *testing.T) {
	runCodeCases(t, CodeMixedCountries, []validateCase{
		{"one country", func(in *Input) {}, nil},
		{"a Canadian number", func(in *Input) { in.Order.Numbers[2].Country = "CA" },
			[]porting.Finding{block(CodeMixedCountries, "numbers.country", "US", "CA", "")}},
	})
}

func TestValidateAttachmentRequired(t *testing.T) {
	eleven := func(in *Input) { in.Order.Numbers = usNumbers(11, 101) }
	runCodeCases(t, CodeAttachmentRequired, []validateCase{
		{"ten numbers are listed", func(in *Input) { in.Order.Numbers = usNumbers(10, 101) }, nil},
		{"eleven with attachment", func(in *Input) { eleven(in); in.HasAttachment = true }, nil},
		{"eleven under a higher threshold", func(in *Input) { eleven(in); in.AttachmentThreshold = 15 }, nil},
		{"eleven without attachment", eleven,
			[]porting.Finding{block(CodeAttachmentRequired, "numbers", "a spreadsheet listing the numbers",
				"11 numbers, no attachment", "")}},
	})
}

func TestValidatePOBoxAddress(t *testing.T) {
	street := func(s string) func(*Input) {
		return func(in *Input) { in.Data.ServiceAddress.Street = s; in.CSR.ServiceAddress.Street = s }
	}
	const field, want = "service_address.street", "the street address where the service is"
	runCodeCases(t, CodePOBoxAddress, []validateCase{
		{"street address", func(in *Input) {}, nil},
		{"street named Box Hill", street("12 Box Hill Road"), nil},
		{"P.O. Box", street("P.O. Box 1234"), []porting.Finding{block(CodePOBoxAddress, field, want, "P.O. Box 1234",
			`"P.O. Box" is a post-office box; give the physical service address from the CSR`)}},
		{"Postfach", street("Postfach 10 01 23"), []porting.Finding{block(CodePOBoxAddress, field, want, "Postfach 10 01 23", "")}},
		{"bare Box is a warning", street("Box 12"), []porting.Finding{{Code: CodePOBoxAddress, Severity: porting.SeverityWarning,
			Field: field, Expected: want, Got: "Box 12"}}},
	})
}

func TestValidateMissingDocument(t *testing.T) {
	runCodeCases(t, CodeMissingDocument, []validateCase{
		{"all uploaded", func(in *Input) {}, nil},
		{"nothing required", func(in *Input) { in.RequiredDocuments = nil; in.DocumentTypes = nil; in.Data.SignedOn = nil }, nil},
		{"one missing, listed once", func(in *Input) {
			in.RequiredDocuments = append(in.RequiredDocuments, "proof_of_address", "proof_of_address")
		}, []porting.Finding{block(CodeMissingDocument, "documents.proof_of_address", "proof_of_address", "", "")}},
	})
}

func TestValidatePartialPortBTN(t *testing.T) {
	// The CSR lists +1212555 0100 (the BTN) to 0103; the clean order ports 0101 to 0103.
	portBTN := func(in *Input) { in.Order.Numbers = usNumbers(2, 100) }
	staysOnly := func(remaining []string, newBTN string) func(*Input) {
		return func(in *Input) {
			portBTN(in)
			in.Data.PartialPort = &porting.PartialPort{RemainingNumbers: remaining, RemainingAction: porting.RemainingKeep, NewBTN: newBTN}
		}
	}
	const stays, onAccount = "a number that stays on the account", "a number on the CSR account"
	runCodeCases(t, CodePartialPortBTN, []validateCase{
		{"BTN stays", func(in *Input) {}, nil},
		{"whole account ported", func(in *Input) { in.Order.Numbers = usNumbers(4, 100) }, nil},
		{"new BTN named", staysOnly([]string{"+12125550102", "+12125550103"}, "+12125550102"), nil},
		{"BTN stays, remaining listed", func(in *Input) {
			in.Order.Numbers = usNumbers(2, 102)
			in.Data.PartialPort = &porting.PartialPort{RemainingNumbers: []string{"+12125550101", "+12125550100"}, RemainingAction: porting.RemainingDisconnect}
		}, nil},
		{"no new BTN", portBTN, []porting.Finding{block(CodePartialPortBTN, "partial_port.new_btn", stays, "",
			"the BTN +12125550100 is ported while 2 number(s) stay on the account; name a new BTN among them")}},
		{"new BTN is ported too", staysOnly([]string{"+12125550102", "+12125550103"}, "+12125550101"),
			[]porting.Finding{block(CodePartialPortBTN, "partial_port.new_btn", stays, "+12125550101",
				"the new BTN is one of the numbers being ported; choose one that stays")}},
		{"new BTN not on the account", staysOnly([]string{"+12125550102", "+12125550103"}, "+12125550199"),
			[]porting.Finding{block(CodePartialPortBTN, "partial_port.new_btn", stays, "+12125550199",
				"the new BTN is not one of the numbers that stay on the account; choose one of them")}},
		{"a remaining number is ported, one that stays is left out", staysOnly([]string{"+12125550100", "+12125550102"}, "+12125550102"),
			[]porting.Finding{
				block(CodePartialPortBTN, "partial_port.remaining_numbers", stays, "+12125550100",
					"this number is being ported, so it cannot also stay; remove it from remaining_numbers"),
				block(CodePartialPortBTN, "partial_port.remaining_numbers", "+12125550103", "",
					"this number is on the CSR account and not ported, so it stays; list it in remaining_numbers"),
			}},
		{"a remaining number not on the account", staysOnly([]string{"+12125550102", "+12125550103", "+12125550199"}, "+12125550103"),
			[]porting.Finding{block(CodePartialPortBTN, "partial_port.remaining_numbers", onAccount, "+12125550199",
				"the losing carrier's record for this account does not list this number")}},
		{"the issue's example", func(in *Input) {
			// remaining_numbers names a ported number; the new BTN is on no account.
			in.Data.PartialPort = &porting.PartialPort{RemainingNumbers: []string{"+12125550101"}, RemainingAction: porting.RemainingKeep, NewBTN: "+12125550199"}
		}, []porting.Finding{
			block(CodePartialPortBTN, "partial_port.remaining_numbers", stays, "+12125550101", ""),
			block(CodePartialPortBTN, "partial_port.remaining_numbers", "+12125550100", "", ""),
			block(CodePartialPortBTN, "partial_port.new_btn", stays, "+12125550199", ""),
		}},
		{"no CSR: remaining numbers are still not ported ones", func(in *Input) {
			in.CSR = nil
			in.Data.PartialPort = &porting.PartialPort{RemainingNumbers: []string{"+12125550101", "+12125550100"}, RemainingAction: porting.RemainingKeep, NewBTN: "+12125550100"}
		}, []porting.Finding{block(CodePartialPortBTN, "partial_port.remaining_numbers", stays, "+12125550101", "")}},
		{"no CSR: new BTN among the named remaining numbers", func(in *Input) {
			in.CSR = nil
			in.Data.PartialPort = &porting.PartialPort{RemainingNumbers: []string{"+12125550100"}, RemainingAction: porting.RemainingKeep, NewBTN: "+12125550199"}
		}, []porting.Finding{block(CodePartialPortBTN, "partial_port.new_btn", stays, "+12125550199", "")}},
	})
}

func TestValidateOrderIsStable(t *testing.T) {
	in := cleanInput()
	in.Data.EntityName = "ACME, Inc."
	in.Data.ServiceAddress.Street = "PO Box 7"
	in.Data.ServiceAddress.PostalCode = ""
	in.Data.SignedOn = daysAgo(40)
	in.Order.Numbers = append(in.Order.Numbers, Number{PhoneNumber: "+12125550999", LosingCarrier: "Verizon"})
	in.Attestation.Legible = nil
	in.RequiredDocuments = append(in.RequiredDocuments, "proof_of_id")

	first := Validate(in)
	var codes []string
	for _, f := range first {
		codes = append(codes, f.Code+" "+f.Field)
	}
	want := []string{
		"MISSING_FIELD service_address.postal_code",
		"PO_BOX_ADDRESS service_address.street",
		"MIXED_CARRIERS numbers.losing_carrier",
		"ENTITY_NAME_MISMATCH entity_name",
		"LOCATION_MISMATCH service_address.street",
		"PHONE_NUMBER_MISMATCH numbers",
		"LOA_EXPIRED signed_on",
		"ATTESTATION_PENDING attestation",
		"MISSING_DOCUMENT documents.proof_of_id",
	}
	if !slices.Equal(codes, want) {
		t.Errorf("findings =\n%q\nwant\n%q", codes, want)
	}
	for range 20 {
		if again := Validate(in); !slices.Equal(again, first) {
			t.Fatalf("another run gave\n%+v\nfirst\n%+v", again, first)
		}
	}
}

func TestHasBlocking(t *testing.T) {
	warning := porting.Finding{Code: CodePOBoxAddress, Severity: porting.SeverityWarning}
	if HasBlocking(nil) || HasBlocking([]porting.Finding{warning}) {
		t.Error("HasBlocking(no blocking finding) = true, want false")
	}
	if !HasBlocking([]porting.Finding{warning, {Code: CodeIllegible, Severity: porting.SeverityBlocking}}) {
		t.Error("HasBlocking(one blocking finding) = false, want true")
	}
}
