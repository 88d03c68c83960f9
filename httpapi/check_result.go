package httpapi

import (
	"strconv"
	"strings"

	"github.com/portdesk/portdesk/loa"
	"github.com/portdesk/portdesk/numbers"
)

// CheckResult is one number's answer of a portability check as the API
// writes it (JSON, one line of NDJSON); `portdesk check` writes the same
// objects, and the same fields as CSV columns (CheckResultCSVHeader).
type CheckResult struct {
	PhoneNumber   string   `json:"phone_number" doc:"E.164 when valid, else the input as given."`
	Input         string   `json:"input"`
	Valid         bool     `json:"valid"`
	Portable      bool     `json:"portable"`
	Country       string   `json:"country"`
	NumberType    string   `json:"number_type"`
	NumberKind    string   `json:"number_kind"`
	LosingCarrier string   `json:"losing_carrier" doc:"The carrier the number leaves (see Losing carrier in the operation description)."`
	RangeHolder   string   `json:"range_holder" doc:"The carrier the number's range was first assigned to, for information; \"\" when unknown."`
	AccountNumber string   `json:"account_number,omitempty" doc:"The account number given with the number in phone_number_entries."`
	Reasons       []string `json:"reasons" doc:"Why a number is not portable: invalid_number, country_not_supported, number_type_not_supported, duplicate_in_request, already_on_active_order, …"`
}

// NewCheckResult returns the API's form of r.
func NewCheckResult(r numbers.Result) CheckResult {
	return CheckResult{
		PhoneNumber: r.PhoneNumber, Input: r.Input, Valid: r.Valid, Portable: r.Portable,
		Country: r.Country, NumberType: r.NumberType, NumberKind: string(r.NumberKind),
		LosingCarrier: r.LosingCarrier, RangeHolder: r.RangeHolder, AccountNumber: r.AccountNumber,
		Reasons: nonNil(r.Reasons),
	}
}

// NewCheckResults returns the API's form of rs.
func NewCheckResults(rs []numbers.Result) []CheckResult {
	out := make([]CheckResult, len(rs))
	for i, r := range rs {
		out[i] = NewCheckResult(r)
	}
	return out
}

// CheckResultCSVHeader names the CSV columns of a CheckResult: its JSON
// field names, in their order (a test holds them to the struct tags).
var CheckResultCSVHeader = []string{"phone_number", "input", "valid", "portable", "country", "number_type",
	"number_kind", "losing_carrier", "range_holder", "account_number", "reasons"}

// CSVRecord returns r as a CSV row under CheckResultCSVHeader: booleans as
// true or false, reasons separated by spaces, and every cell a customer
// wrote defused (loa.DefuseFormula) so that a spreadsheet program opening
// the file runs nothing.
func (r CheckResult) CSVRecord() []string {
	return []string{
		loa.DefuseFormula(r.PhoneNumber), loa.DefuseFormula(r.Input), strconv.FormatBool(r.Valid),
		strconv.FormatBool(r.Portable), r.Country, r.NumberType, r.NumberKind,
		loa.DefuseFormula(r.LosingCarrier), loa.DefuseFormula(r.RangeHolder), loa.DefuseFormula(r.AccountNumber),
		strings.Join(r.Reasons, " "),
	}
}
