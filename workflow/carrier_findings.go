package workflow

import (
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// rejectionFindings are the carrier's reasons of an order in exception,
// as blocking findings: the field each concerns, the carrier's value
// beside the order's, and what to do.
func rejectionFindings(o *porting.PortOrder) []porting.Finding {
	if o.Status != porting.StateException || o.Exception == nil {
		return nil
	}
	reasons := o.Exception.Rejections
	if len(reasons) == 0 {
		reasons = []porting.CarrierRejection{{Code: o.Exception.Code, Message: o.Exception.Message}}
	}
	out := make([]porting.Finding, 0, len(reasons))
	for _, r := range reasons {
		field := r.ExceptionField()
		f := porting.Finding{Code: r.Code, Severity: porting.SeverityBlocking, Field: field,
			Expected: r.CarrierValue, Got: loaValue(o, field)}
		f.Hint = "the losing carrier rejected the submission"
		if r.CarrierValue != "" {
			f.Hint += "; its record says " + quote(r.CarrierValue) + " and the LOA must say exactly the same"
		}
		if r.Message != "" {
			f.Hint += ": " + r.Message
		}
		f.Hint += "; correct it and resubmit"
		out = append(out, f)
	}
	return out
}

// quote puts s in double quotes for a hint.
func quote(s string) string { return `"` + s + `"` }

// loaValue is what the order's LOA says for a field a rejection names
// ("" for fields without one value).
func loaValue(o *porting.PortOrder, field string) string {
	l := o.LOA
	if l == nil {
		return ""
	}
	a := l.ServiceAddress
	switch field {
	case "loa.entity_name":
		return l.EntityName
	case "loa.authorized_person.name":
		return l.AuthorizedPerson.Name
	case "loa.account_number":
		return l.AccountNumber
	case "loa.btn":
		return l.BTN
	case "loa.service_address.postal_code":
		return a.PostalCode
	case "loa.service_address":
		return strings.Join(nonEmptyParts(a.Street, a.City, a.Region, a.PostalCode, a.Country), ", ")
	}
	return ""
}

// nonEmptyParts drops the empty strings.
func nonEmptyParts(parts ...string) []string {
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
