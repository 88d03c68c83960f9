package workflow

import (
	"fmt"
	"strings"

	"github.com/portdesk/portdesk/numbers"
	"github.com/portdesk/portdesk/porting"
)

// The numbers of an LOA and a CSR are read like the intake's: the same
// parser, numbers written without a country code taken as the order's
// country's, stored in E.164 so they compare with the order's numbers.

// normalizeLOANumbers rewrites the LOA's BTN and partial-port numbers in
// E.164; a number the parser does not accept is a field error naming it.
// A blank BTN or new BTN stays blank (the LOA check reports it).
func normalizeLOANumbers(country string, d *porting.LOAData) error {
	var err error
	if d.BTN, err = normalizeNumber(country, "loa.btn", d.BTN); err != nil {
		return err
	}
	if pp := d.PartialPort; pp != nil {
		if pp.RemainingNumbers, err = normalizeNumberList(country, "loa.partial_port.remaining_numbers", pp.RemainingNumbers); err != nil {
			return err
		}
		if pp.NewBTN, err = normalizeNumber(country, "loa.partial_port.new_btn", pp.NewBTN); err != nil {
			return err
		}
	}
	return nil
}

// normalizeCSRNumbers rewrites the CSR's BTN and numbers in E.164, like
// normalizeLOANumbers.
func normalizeCSRNumbers(country string, c *porting.CSR) error {
	var err error
	if c.BTN, err = normalizeNumber(country, "csr.btn", c.BTN); err != nil {
		return err
	}
	c.PhoneNumbers, err = normalizeNumberList(country, "csr.phone_numbers", c.PhoneNumbers)
	return err
}

// normalizeNumber returns s in E.164; blank stays blank.
func normalizeNumber(country, field, s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	out, err := normalizeNumbers(country, func(int) string { return field }, []string{s})
	if err != nil {
		return "", err
	}
	return out[0], nil
}

// normalizeNumberList returns the numbers in E.164; a blank or unparseable
// entry is a field error naming its index, e.g. csr.phone_numbers[3].
func normalizeNumberList(country, field string, list []string) ([]string, error) {
	return normalizeNumbers(country, func(i int) string { return fmt.Sprintf("%s[%d]", field, i) }, list)
}

func normalizeNumbers(country string, field func(int) string, list []string) ([]string, error) {
	if len(list) == 0 {
		return list, nil
	}
	// The zero Checker parses and classifies without any carrier lookup.
	results := (&numbers.Checker{}).Check(list, numbers.CheckOptions{DefaultRegion: country})
	out := make([]string, len(list))
	for i, r := range results {
		if !r.Valid {
			return nil, porting.FieldErrorf(field(i), "%q is not a phone number: write it in E.164 (+country code) or as dialled in %s", r.PhoneNumber, country)
		}
		out[i] = r.PhoneNumber
	}
	return out, nil
}
