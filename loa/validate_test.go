package loa

import (
	"fmt"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
)

var validateNow = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func daysAgo(n int) *porting.Date { return ptr(porting.DateOf(validateNow.AddDate(0, 0, -n))) }

// cleanInput is an LOA that passes: data equal to the CSR, signed three days
// ago, attested, documents present. The BTN stays on the account.
func cleanInput() Input {
	addr := porting.Address{Street: "350 Fifth Avenue", City: "New York", Region: "NY", PostalCode: "10118", Country: "US"}
	return Input{
		Order: Order{ID: "po_123", Country: "US", LosingCarrier: "Lumen", WinningCarrier: "Portdesk Voice",
			NumberKind: "did", Numbers: usNumbers(3, 101)},
		Data: porting.LOAData{EntityName: "Acme Inc", ServiceAddress: addr,
			AuthorizedPerson: porting.LOAPerson{Name: "Jane Roe", Title: "CTO"}, AccountNumber: "ACC-778899",
			PIN: "4321", BTN: "+12125550100", SignedOn: daysAgo(3)},
		CSR: &porting.CSR{AccountName: "Acme Inc", ServiceAddress: addr, AuthorizedContact: "Jane Roe",
			BTN: "+12125550100", AccountNumber: "ACC-778899",
			PhoneNumbers: []string{"+12125550100", "+12125550101", "+12125550102", "+12125550103"}},
		DocumentTypes:      []string{string(porting.DocLOASigned), "csr"},
		RequiredDocuments:  []string{string(porting.DocLOASigned), "csr"},
		Attestation:        porting.Attestation{Signature: porting.SignatureWet, Legible: ptr(true)},
		Now:                validateNow,
		RequireAttestation: true,
	}
}

// usNumbers returns n New York numbers from +1212555<first>.
func usNumbers(n, first int) []Number {
	out := make([]Number, n)
	for i := range out {
		out[i] = Number{PhoneNumber: fmt.Sprintf("+1212555%04d", first+i), Country: "US", LosingCarrier: "Lumen"}
	}
	return out
}

func TestValidateCleanLOA(t *testing.T) {
	if got := Validate(cleanInput()); len(got) != 0 {
		t.Errorf("Validate(clean LOA) = %+v, want no findings", got)
	}
	in := cleanInput()
	in.CSR = nil
	if got := Validate(in); len(got) != 0 {
		t.Errorf("Validate(clean LOA without CSR) = %+v, want no findings", got)
	}
}

// validateCase changes the clean LOA and lists the findings of one code it
// must produce: none for a case that passes. A blank Hint is not checked.
type validateCase struct {
	name   string
	mutate func(*Input)
	want   []porting.Finding
}

func block(code, field, expected, got, hint string) porting.Finding {
	return porting.Finding{Code: code, Severity: porting.SeverityBlocking, Field: field, Expected: expected, Got: got, Hint: hint}
}

func runCodeCases(t *testing.T, code string, cases []validateCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := cleanInput()
			tc.mutate(&in)
			var got []porting.Finding
			for _, f := range Validate(in) {
				if f.Code == code {
					got = append(got, f)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%s findings = %+v, want %+v", code, got, tc.want)
			}
			for i, w := range tc.want {
				g := got[i]
				if w.Hint == "" {
					g.Hint = ""
				}
				if g != w {
					t.Errorf("finding %d = %+v, want %+v", i, got[i], w)
				}
			}
		})
	}
}

func TestValidateEntityName(t *testing.T) {
	runCodeCases(t, CodeEntityNameMismatch, []validateCase{
		{"equal", func(in *Input) {}, nil},
		{"outer spaces are trimmed", func(in *Input) { in.Data.EntityName = "  Acme Inc \t" }, nil},
		{"no CSR, no comparison", func(in *Input) { in.CSR = nil; in.Data.EntityName = "Other Ltd" }, nil},
		{"case and punctuation", func(in *Input) { in.CSR.AccountName = "ACME, Inc." },
			[]porting.Finding{block(CodeEntityNameMismatch, "entity_name", "ACME, Inc.", "Acme Inc",
				"differ only in case and punctuation")}},
	})
}

func TestValidateLocation(t *testing.T) {
	runCodeCases(t, CodeLocationMismatch, []validateCase{
		{"equal", func(in *Input) {}, nil},
		{"region not on the CSR", func(in *Input) { in.CSR.ServiceAddress.Region = "" }, nil},
		{"street words", func(in *Input) { in.Data.ServiceAddress.Street = "350 5th Avenue" },
			[]porting.Finding{block(CodeLocationMismatch, "service_address.street", "350 Fifth Avenue", "350 5th Avenue", "")}},
		{"city case", func(in *Input) { in.Data.ServiceAddress.City = "NEW YORK" },
			[]porting.Finding{block(CodeLocationMismatch, "service_address.city", "New York", "NEW YORK", "differ only in letter case")}},
		{"region blank on the LOA", func(in *Input) { in.Data.ServiceAddress.Region = "" },
			[]porting.Finding{block(CodeLocationMismatch, "service_address.region", "NY", "", "")}},
		{"country", func(in *Input) { in.Data.ServiceAddress.Country = "USA" },
			[]porting.Finding{block(CodeLocationMismatch, "service_address.country", "US", "USA", "")}},
	})
}

func TestValidatePostalCode(t *testing.T) {
	runCodeCases(t, CodePostalCodeMismatch, []validateCase{
		{"equal", func(in *Input) {}, nil},
		{"ZIP+4 against ZIP", func(in *Input) { in.Data.ServiceAddress.PostalCode = "10118-0110" },
			[]porting.Finding{block(CodePostalCodeMismatch, "service_address.postal_code", "10118", "10118-0110", "")}},
		{"spacing", func(in *Input) {
			in.CSR.ServiceAddress.PostalCode = "SW1A 1AA"
			in.Data.ServiceAddress.PostalCode = "SW1A1AA"
		}, []porting.Finding{block(CodePostalCodeMismatch, "service_address.postal_code", "SW1A 1AA", "SW1A1AA", "differ only in spacing")}},
	})
}

func TestValidateAuthorizedPerson(t *testing.T) {
	runCodeCases(t, CodeAuthPersonMismatch, []validateCase{
		{"equal", func(in *Input) {}, nil},
		{"title is not compared", func(in *Input) { in.Data.AuthorizedPerson.Title = "Owner" }, nil},
		{"double space", func(in *Input) { in.Data.AuthorizedPerson.Name = "Jane  Roe" },
			[]porting.Finding{block(CodeAuthPersonMismatch, "authorized_person.name", "Jane Roe", "Jane  Roe", "differ only in spacing")}},
	})
}

func TestValidateAccountNumber(t *testing.T) {
	runCodeCases(t, CodeAccountNumberMismatch, []validateCase{
		{"equal", func(in *Input) {}, nil},
		{"hyphen dropped", func(in *Input) { in.Data.AccountNumber = "ACC778899" },
			[]porting.Finding{block(CodeAccountNumberMismatch, "account_number", "ACC-778899", "ACC778899", "differ only in punctuation")}},
	})
}

func TestValidateBTN(t *testing.T) {
	runCodeCases(t, CodeBTNMismatch, []validateCase{
		{"equal", func(in *Input) {}, nil},
		{"other number", func(in *Input) { in.Data.BTN = "+12125550199" },
			[]porting.Finding{block(CodeBTNMismatch, "btn", "+12125550100", "+12125550199", "")}},
	})
}

func TestValidatePhoneNumbers(t *testing.T) {
	runCodeCases(t, CodePhoneNumberMismatch, []validateCase{
		{"all on the account", func(in *Input) {}, nil},
		{"CSR without numbers", func(in *Input) {
			in.CSR.PhoneNumbers = nil
			in.Order.Numbers = usNumbers(2, 900)
		}, nil},
		{"one finding per foreign number", func(in *Input) {
			in.Order.Numbers = append(in.Order.Numbers, usNumbers(2, 900)...)
		}, []porting.Finding{
			block(CodePhoneNumberMismatch, "numbers", "a number on the CSR account", "+12125550900", ""),
			block(CodePhoneNumberMismatch, "numbers", "a number on the CSR account", "+12125550901", ""),
		}},
	})
}

func TestValidateLOAExpired(t *testing.T) {
	runCodeCases(t, CodeLOAExpired, []validateCase{
		{"signed today", func(in *Input) { in.Data.SignedOn = daysAgo(0) }, nil},
		{"last valid day", func(in *Input) { in.Data.SignedOn = daysAgo(15) }, nil},
		{"longer limit", func(in *Input) { in.Data.SignedOn = daysAgo(20); in.MaxAgeDays = 30 }, nil},
		{"date read in its own zone", func(in *Input) {
			// 2025-02-27 23:00 in Honolulu is already 02-28 in UTC; the written date is 02-27.
			in.Data.SignedOn = ptr(porting.DateOf(time.Date(2025, 2, 27, 23, 0, 0, 0, time.FixedZone("HST", -10*3600))))
		}, nil},
		{"one day too old", func(in *Input) { in.Data.SignedOn = daysAgo(16) },
			[]porting.Finding{block(CodeLOAExpired, "signed_on", "on or after 2025-02-27", "2025-02-26", "")}},
		{"no signing date, nothing to date", func(in *Input) {
			in.Data.SignedOn = nil
			in.DocumentTypes = []string{"csr"}
		}, nil},
	})
}

func TestValidateLOADateInFuture(t *testing.T) {
	runCodeCases(t, CodeLOADateInFuture, []validateCase{
		{"today", func(in *Input) {
			in.Data.SignedOn = ptr(porting.DateOf(time.Date(2025, 3, 14, 23, 59, 0, 0, time.UTC)))
		}, nil},
		{"today somewhere on Earth", func(in *Input) {
			// 10:00 UTC is already midnight of the 15th in UTC+14.
			in.Data.SignedOn = daysAgo(-1)
		}, nil},
		{"today in the signer's zone, tomorrow in the country's", func(in *Input) {
			// 20:00 in New York is the 15th in UTC (and in UTC+14): a signer
			// there may write the 15th while the US date is the 14th.
			in.Now = time.Date(2025, 3, 14, 20, 0, 0, 0, mustZone("America/New_York"))
			in.Data.SignedOn = ptr(porting.DateOf(time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)))
		}, nil},
		{"tomorrow everywhere", func(in *Input) {
			in.Now = time.Date(2025, 3, 14, 9, 59, 0, 0, time.UTC) // 23:59 in UTC+14
			in.Data.SignedOn = daysAgo(-1)
		}, []porting.Finding{block(CodeLOADateInFuture, "signed_on", "on or before 2025-03-14", "2025-03-15", "")}},
		{"after tomorrow", func(in *Input) { in.Data.SignedOn = daysAgo(-2) },
			[]porting.Finding{block(CodeLOADateInFuture, "signed_on", "on or before 2025-03-15", "2025-03-16", "")}},
	})
}
