package sim

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/portdesk/portdesk/carrier/protocol"
)

// demoCSRs are the simulator's demo accounts (docs/carrier-protocol.md,
// "Simulator", says what each is for).
//
//go:embed demo-csrs.json
var demoCSRs []byte

// Record is one account the simulated carriers hold: the CSR a losing
// carrier checks a submission against, and the PIN that guards it.
type Record struct {
	// Note says what the record is for; the simulator ignores it.
	Note              string           `json:"note,omitempty"`
	Carrier           string           `json:"carrier"`
	AccountNumber     string           `json:"account_number"`
	PIN               string           `json:"pin,omitempty"`
	AccountName       string           `json:"account_name"`
	ServiceAddress    protocol.Address `json:"service_address"`
	AuthorizedContact string           `json:"authorized_contact"`
	BTN               string           `json:"btn"`
	PhoneNumbers      []string         `json:"phone_numbers"`
}

// CSR is the record as a carrier answers it: everything but the PIN.
func (r *Record) CSR() protocol.CSR {
	return protocol.CSR{AccountName: r.AccountName, ServiceAddress: r.ServiceAddress,
		AuthorizedContact: r.AuthorizedContact, BTN: r.BTN, AccountNumber: r.AccountNumber,
		PhoneNumbers: append([]string{}, r.PhoneNumbers...)}
}

// DemoRecords returns the demo accounts shipped with the simulator.
func DemoRecords() []Record {
	recs, err := parseRecords(demoCSRs)
	if err != nil {
		panic(fmt.Sprintf("sim: embedded demo-csrs.json: %v", err))
	}
	return recs
}

// LoadRecords reads accounts from a JSON file holding an array of records
// in the format of demo-csrs.json.
func LoadRecords(path string) ([]Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sim: load records: %w", err)
	}
	recs, err := parseRecords(b)
	if err != nil {
		return nil, fmt.Errorf("sim: load records from %s: %w", path, err)
	}
	return recs, nil
}

// parseRecords decodes and checks a record list: every record has an
// account number, unique, and at least one number.
func parseRecords(b []byte) ([]Record, error) {
	var recs []Record
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	seen := map[string]bool{}
	for i, r := range recs {
		switch {
		case strings.TrimSpace(r.AccountNumber) == "":
			return nil, fmt.Errorf("record %d has no account_number", i)
		case seen[r.AccountNumber]:
			return nil, fmt.Errorf("record %d repeats account %s", i, r.AccountNumber)
		case len(r.PhoneNumbers) == 0:
			return nil, fmt.Errorf("record %d (account %s) has no phone_numbers", i, r.AccountNumber)
		}
		seen[r.AccountNumber] = true
	}
	return recs, nil
}
