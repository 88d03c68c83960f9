package workflow

import (
	"context"
	"strings"
	"time"

	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/messages"
	"github.com/portdesk/portdesk/porting"
)

// customerLocale is how a request's customer reads: in the request's
// language, with times in its contact preferences' time zone or else in
// the civil zone of the order's country (o may be nil: UTC).
func customerLocale(req *porting.PortRequest, o *porting.PortOrder) messages.Locale {
	loc := messages.Locale{Language: req.ContactPreferences.Language, Zone: time.UTC}
	if tz := req.ContactPreferences.TimeZone; tz != "" {
		if z, err := time.LoadLocation(tz); err == nil {
			loc.Zone = z
			return loc
		}
	}
	if o != nil {
		loc.Zone = country.CivilZone(o.Country)
	}
	return loc
}

// validateTimeZone checks a contact preference's IANA zone name.
func validateTimeZone(tz string) error {
	if tz == "" {
		return nil
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "Local" || strings.TrimSpace(tz) != tz {
		return porting.FieldErrorf("contact_preferences.time_zone", "%q is not an IANA time zone such as Europe/Berlin or America/New_York", tz)
	}
	return nil
}

// notifyCustomer posts the thread note kind (see messages.ThreadKinds) on
// the order's request thread, in the customer's language and time zone.
func (s *Requests) notifyCustomer(ctx context.Context, tx messageTx, p porting.Principal, o *porting.PortOrder, kind string, data messages.Data) error {
	req, err := tx.FindPortRequest(ctx, o.PortRequestID)
	if err != nil {
		return err
	}
	data.OrderID = o.ID
	if data.LosingCarrier == "" {
		data.LosingCarrier = o.LosingCarrier
	}
	body, err := messages.Thread(customerLocale(req, o), kind, data)
	if err != nil {
		return porting.Errorf(porting.EINTERNAL, "workflow: %v", err)
	}
	m := &porting.Message{ID: porting.NewID("msg"), PortRequestID: req.ID, Author: p, Body: strings.TrimSpace(body), CreatedAt: s.clock.Now()}
	return s.postMessage(ctx, tx, req, m)
}
