package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// csrForm is the CSR entry form's values (staff).
type csrForm struct {
	AccountName, Street, City, Region, PostalCode, Country string
	AuthorizedContact, BTN, AccountNumber, PhoneNumbers    string
	Confirm                                                bool
}

func csrFormOf(c *porting.CSR) csrForm {
	if c == nil {
		return csrForm{}
	}
	a := c.ServiceAddress
	return csrForm{AccountName: c.AccountName, Street: a.Street, City: a.City, Region: a.Region, PostalCode: a.PostalCode,
		Country: a.Country, AuthorizedContact: c.AuthorizedContact, BTN: c.BTN, AccountNumber: c.AccountNumber,
		PhoneNumbers: strings.Join(c.PhoneNumbers, "\n"), Confirm: c.ConfirmedAt != nil}
}

// handleCSRPost records the losing carrier's CSR through
// Orders.UpdatePortOrder, the call behind the csr and confirm_csr of the
// API's PATCH. Who may record or confirm it is the workflow's rule.
func (c *console) handleCSRPost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxNumbersForm)
	if err := r.ParseForm(); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	v := r.PostForm
	f := csrForm{
		AccountName: bound(v.Get("csr.account_name"), 400), Street: bound(v.Get("csr.service_address.street"), 400),
		City: bound(v.Get("csr.service_address.city"), 200), Region: bound(v.Get("csr.service_address.region"), 200),
		PostalCode: bound(v.Get("csr.service_address.postal_code"), 40), Country: bound(v.Get("csr.service_address.country"), 120),
		AuthorizedContact: bound(v.Get("csr.authorized_contact"), 400), BTN: bound(v.Get("csr.btn"), 128),
		AccountNumber: bound(v.Get("csr.account_number"), 128), PhoneNumbers: v.Get("csr.phone_numbers"),
		Confirm: v.Get("confirm_csr") == "on",
	}
	id := r.PathValue("id")
	csr := &porting.CSR{AccountName: f.AccountName, AuthorizedContact: f.AuthorizedContact, BTN: f.BTN, AccountNumber: f.AccountNumber,
		ServiceAddress: porting.Address{Street: f.Street, City: f.City, Region: f.Region, PostalCode: f.PostalCode, Country: f.Country},
		PhoneNumbers:   splitNumbers(f.PhoneNumbers)}
	_, err := c.svc.Orders.UpdatePortOrder(r.Context(), p, id, workflow.UpdatePortOrderParams{CSR: csr, ConfirmCSR: f.Confirm})
	if err != nil {
		return c.rerenderOrder(w, r, p, "csr", csrField(err), func(d *orderData) { d.CSR = f })
	}
	http.Redirect(w, r, "/port-orders/"+id+"#csr", http.StatusSeeOther)
	return nil
}

// csrField names the CSR form's input for a workflow error about the CSR:
// the workflow may name the field with or without its "csr." prefix.
func csrField(err error) error {
	var pe *porting.Error
	if !errors.As(err, &pe) || pe.Field == "" || strings.HasPrefix(pe.Field, "csr.") || pe.Field == "confirm_csr" {
		return err
	}
	c := *pe
	c.Field = "csr." + pe.Field
	return &c
}

// diffRow is one field where the LOA differs from what the carrier will
// check (the CSR or a requirement), taken from the order's findings.
type diffRow struct {
	Field, Code, Expected, Got, Hint string
}

// loaDiff lists the findings that concern an LOA field, in their order:
// the field-by-field difference of the LOA and the CSR.
func loaDiff(fs []porting.Finding) []diffRow {
	var rows []diffRow
	for _, f := range fs {
		if f.Field == "" || strings.HasPrefix(f.Field, "documents.") || f.Field == "attestation" {
			continue
		}
		rows = append(rows, diffRow{Field: f.Field, Code: f.Code, Expected: f.Expected, Got: f.Got, Hint: f.Hint})
	}
	return rows
}
