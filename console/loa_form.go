package console

import (
	"net/http"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// loaForm is the LOA form's values.
type loaForm struct {
	EntityName, Street, City, Region, PostalCode, Country string
	PersonName, PersonTitle, AccountNumber, BTN, SignedOn string
	PINSet                                                bool
}

func loaFormOf(d *porting.LOAData) loaForm {
	if d == nil {
		return loaForm{}
	}
	f := loaForm{EntityName: d.EntityName, Street: d.ServiceAddress.Street, City: d.ServiceAddress.City,
		Region: d.ServiceAddress.Region, PostalCode: d.ServiceAddress.PostalCode, Country: d.ServiceAddress.Country,
		PersonName: d.AuthorizedPerson.Name, PersonTitle: d.AuthorizedPerson.Title, AccountNumber: d.AccountNumber,
		BTN: d.BTN, PINSet: d.PINSet}
	if d.SignedOn != nil {
		f.SignedOn = d.SignedOn.String()
	}
	return f
}

// handleLOAPost saves the LOA form through Orders.UpdatePortOrder, the call
// behind the API's PATCH: the form replaces the LOA data; a blank PIN keeps
// the one on file.
func (c *console) handleLOAPost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read")
	}
	v := r.PostForm
	f := loaForm{
		EntityName: bound(v.Get("entity_name"), 400), Street: bound(v.Get("service_address.street"), 400),
		City: bound(v.Get("service_address.city"), 200), Region: bound(v.Get("service_address.region"), 200),
		PostalCode: bound(v.Get("service_address.postal_code"), 40), Country: bound(v.Get("service_address.country"), 120),
		PersonName: bound(v.Get("authorized_person.name"), 400), PersonTitle: bound(v.Get("authorized_person.title"), 200),
		AccountNumber: bound(v.Get("account_number"), 128), BTN: bound(v.Get("btn"), 128), SignedOn: bound(v.Get("signed_on"), 10),
	}
	id := r.PathValue("id")
	err := c.saveLOA(r, p, id, f, bound(v.Get("pin"), 128))
	if err != nil {
		return c.rerenderOrder(w, r, p, "loa", err, func(d *orderData) { f.PINSet = d.LOA.PINSet; d.LOA = f })
	}
	http.Redirect(w, r, "/port-orders/"+id+"#loa", http.StatusSeeOther)
	return nil
}

func (c *console) saveLOA(r *http.Request, p porting.Principal, id string, f loaForm, pin string) error {
	data := porting.LOAData{
		EntityName:       f.EntityName,
		ServiceAddress:   porting.Address{Street: f.Street, City: f.City, Region: f.Region, PostalCode: f.PostalCode, Country: f.Country},
		AuthorizedPerson: porting.LOAPerson{Name: f.PersonName, Title: f.PersonTitle},
		AccountNumber:    f.AccountNumber, BTN: f.BTN,
	}
	if f.SignedOn != "" {
		d, err := porting.ParseDate(f.SignedOn)
		if err != nil {
			return porting.FieldErrorf("signed_on", "the signing date must be a date such as 2026-01-31")
		}
		data.SignedOn = &d
	}
	// The form has no partial-port section yet: what is on file stays.
	o, err := c.svc.Orders.GetPortOrder(r.Context(), p, id)
	if err != nil {
		return err
	}
	if o.LOA != nil {
		data.PartialPort = o.LOA.PartialPort
	}
	in := workflow.UpdatePortOrderParams{LOA: &data, IfVersion: &o.Version}
	if pin != "" {
		in.PIN = &pin
	}
	_, err = c.svc.Orders.UpdatePortOrder(r.Context(), p, id, in)
	return err
}
