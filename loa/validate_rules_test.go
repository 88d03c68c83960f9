package loa

import (
	"slices"
	"testing"
)

func TestValidateSignatureNotWet(t *testing.T) {
	runCodeCases(t, CodeSignatureNotWet, []validateCase{
		{"attested wet", func(in *Input) {}, nil},
		{"not attested before approval", func(in *Input) {
			in.Attestation.WetSignature = nil
			in.RequireAttestation = false
		}, nil},
		{"not attested at approval", func(in *Input) { in.Attestation.WetSignature = nil },
			[]Finding{block(CodeSignatureNotWet, "attestation.wet_signature", "true", "",
				"attestation missing: staff must check the signed LOA first")}},
		{"typed signature", func(in *Input) { in.Attestation.WetSignature = ptr(false) },
			[]Finding{block(CodeSignatureNotWet, "attestation.wet_signature", "true", "false", "")}},
	})
}

func TestValidateIllegible(t *testing.T) {
	runCodeCases(t, CodeIllegible, []validateCase{
		{"attested legible", func(in *Input) {}, nil},
		{"not attested before approval", func(in *Input) {
			in.Attestation.Legible = nil
			in.RequireAttestation = false
		}, nil},
		{"not attested at approval", func(in *Input) { in.Attestation.Legible = nil },
			[]Finding{block(CodeIllegible, "attestation.legible", "true", "",
				"attestation missing: staff must check the signed LOA first")}},
		{"illegible", func(in *Input) { in.Attestation.Legible = ptr(false) },
			[]Finding{block(CodeIllegible, "attestation.legible", "true", "false", "")}},
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
			[]Finding{block(CodeMissingField, "entity_name", "Acme Inc", "", "copy it exactly as the CSR shows it")}},
		{"postal code only spaces, no CSR", func(in *Input) {
			in.CSR = nil
			in.Data.ServiceAddress.PostalCode = "  "
		}, []Finding{block(CodeMissingField, "service_address.postal_code", "", "", "required by the losing carrier")}},
		{"every required field", func(in *Input) {
			in.CSR = nil
			in.Data = Data{}
			in.Order.Numbers = nil
		}, []Finding{
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
		}, []Finding{block(CodeMixedCarriers, "numbers.losing_carrier", "Lumen", "Verizon",
			"2 number(s), first +12125550102, belong to another losing carrier; an LOA covers one losing carrier, so split the order")}},
		{"order without carrier uses the first number's", func(in *Input) {
			in.Order.LosingCarrier = ""
			in.Order.Numbers[0].LosingCarrier = ""
			in.Order.Numbers[2].LosingCarrier = "Verizon"
		}, []Finding{block(CodeMixedCarriers, "numbers.losing_carrier", "Lumen", "Verizon", "")}},
	})
}

func TestValidateMixedCountries(t *testing.T) {
	runCodeCases(t, CodeMixedCountries, []validateCase{
		{"one country", func(in *Input) {}, nil},
		{"a Canadian number", func(in *Input) { in.Order.Numbers[2].Country = "CA" },
			[]Finding{block(CodeMixedCountries, "numbers.country", "US", "CA", "")}},
	})
}

func TestValidateAttachmentRequired(t *testing.T) {
	eleven := func(in *Input) { in.Order.Numbers = usNumbers(11, 101) }
	runCodeCases(t, CodeAttachmentRequired, []validateCase{
		{"ten numbers are listed", func(in *Input) { in.Order.Numbers = usNumbers(10, 101) }, nil},
		{"eleven with attachment", func(in *Input) { eleven(in); in.HasAttachment = true }, nil},
		{"eleven under a higher threshold", func(in *Input) { eleven(in); in.AttachmentThreshold = 15 }, nil},
		{"eleven without attachment", eleven,
			[]Finding{block(CodeAttachmentRequired, "numbers", "a spreadsheet listing the numbers",
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
		{"P.O. Box", street("P.O. Box 1234"), []Finding{block(CodePOBoxAddress, field, want, "P.O. Box 1234",
			`"P.O. Box" is a post-office box; give the physical service address from the CSR`)}},
		{"Postfach", street("Postfach 10 01 23"), []Finding{block(CodePOBoxAddress, field, want, "Postfach 10 01 23", "")}},
		{"bare Box is a warning", street("Box 12"), []Finding{{Code: CodePOBoxAddress, Severity: SeverityWarning,
			Field: field, Expected: want, Got: "Box 12"}}},
	})
}

func TestValidateMissingDocument(t *testing.T) {
	runCodeCases(t, CodeMissingDocument, []validateCase{
		{"all uploaded", func(in *Input) {}, nil},
		{"nothing required", func(in *Input) { in.RequiredDocuments = nil; in.DocumentTypes = nil; in.Data.SignedOn = nil }, nil},
		{"one missing, listed once", func(in *Input) {
			in.RequiredDocuments = append(in.RequiredDocuments, "proof_of_address", "proof_of_address")
		}, []Finding{block(CodeMissingDocument, "documents.proof_of_address", "proof_of_address", "", "")}},
	})
}

func TestValidatePartialPortBTN(t *testing.T) {
	// The order ports the BTN +12125550100 and +12125550101; 102 and 103 stay.
	portBTN := func(in *Input) { in.Order.Numbers = usNumbers(2, 100) }
	runCodeCases(t, CodePartialPortBTN, []validateCase{
		{"BTN stays", func(in *Input) {}, nil},
		{"whole account ported", func(in *Input) { in.Order.Numbers = usNumbers(4, 100) }, nil},
		{"new BTN named", func(in *Input) {
			portBTN(in)
			in.Data.PartialPort = &PartialPort{RemainingNumbers: []string{"+12125550102", "+12125550103"},
				RemainingAction: RemainingKeep, NewBTN: "+12125550102"}
		}, nil},
		{"no new BTN", portBTN, []Finding{block(CodePartialPortBTN, "partial_port.new_btn",
			"a number that stays on the account", "",
			"the BTN +12125550100 is ported while 2 number(s) stay on the account; name a new BTN among them")}},
		{"new BTN is ported too", func(in *Input) {
			portBTN(in)
			in.Data.PartialPort = &PartialPort{RemainingAction: RemainingKeep, NewBTN: "+12125550101"}
		}, []Finding{block(CodePartialPortBTN, "partial_port.new_btn", "a number that stays on the account", "+12125550101", "")}},
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
		"ILLEGIBLE attestation.legible",
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
	warning := Finding{Code: CodePOBoxAddress, Severity: SeverityWarning}
	if HasBlocking(nil) || HasBlocking([]Finding{warning}) {
		t.Error("HasBlocking(no blocking finding) = true, want false")
	}
	if !HasBlocking([]Finding{warning, {Code: CodeIllegible, Severity: SeverityBlocking}}) {
		t.Error("HasBlocking(one blocking finding) = false, want true")
	}
}
