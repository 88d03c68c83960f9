package workflow

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portdesk/portdesk/calendar"
	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/porting"
)

// CodeQuotaShortfall is the order's own blocking item for an order whose
// instance cannot hold its numbers: the phone-number quota is lower than
// the numbers in use plus this order's.
const CodeQuotaShortfall = "QUOTA_SHORTFALL"

// QuotaShortfall is what an order's instance lacks to hold its numbers.
type QuotaShortfall struct {
	InstanceID string
	Quota      porting.QuotaName
	// Have is the instance's quota, Need what it must be: the numbers in
	// use (inventory and active orders heading to the instance, each
	// number once) with this order's.
	Have, Need int
	// DueAt is the last moment to have the quota raised: the FOC minus
	// the quota lead days; nil while the order has no FOC.
	DueAt *time.Time
}

// QuotaShortfall returns what the order's instance lacks to hold the
// order's numbers (as stored), or nil when it holds them (or the order
// names no instance or is over). It is the one place the rule lives:
// findings, the quota deadline and the port-day checklist all ask it.
func (s *Instances) QuotaShortfall(ctx context.Context, tx porting.Tx, o *porting.PortOrder) (*QuotaShortfall, error) {
	if o.InstanceID == "" || !o.Status.Active() {
		return nil, nil
	}
	inst, err := tx.FindInstance(ctx, o.InstanceID)
	if err != nil {
		return nil, err
	}
	need, err := tx.CountInstanceNumbers(ctx, o.InstanceID, o.ID)
	if err != nil {
		return nil, err
	}
	if need <= inst.Quotas.PhoneNumbers {
		return nil, nil
	}
	sf := &QuotaShortfall{InstanceID: inst.ID, Quota: porting.QuotaPhoneNumbers, Have: inst.Quotas.PhoneNumbers, Need: need}
	if o.FOCAt != nil {
		due := calendar.Plan(o.Country, *o.FOCAt, s.settings.Plan).QuotaRequestsDue
		sf.DueAt = &due
	}
	return sf, nil
}

// shortfallFinding is the blocking QUOTA_SHORTFALL item of an order.
func shortfallFinding(sf *QuotaShortfall) porting.Finding {
	hint := "request a phone_numbers quota of at least " + strconv.Itoa(sf.Need) + " for instance " + sf.InstanceID +
		" (POST /v1/instances/" + sf.InstanceID + "/quota-requests) "
	if sf.DueAt != nil {
		hint += "by " + sf.DueAt.UTC().Format(time.RFC3339)
	} else {
		hint += "before the FOC is set"
	}
	return porting.Finding{Code: CodeQuotaShortfall, Severity: porting.SeverityBlocking, Field: "instance_id",
		Expected: "phone_numbers quota >= " + strconv.Itoa(sf.Need), Got: "phone_numbers quota " + strconv.Itoa(sf.Have), Hint: hint}
}

// QuotaUsage is one quota of an instance: its value and what is in use.
type QuotaUsage struct {
	Quota     porting.QuotaName `json:"quota" enum:"phone_numbers,concurrent_calls,outbound_countries"`
	Value     int               `json:"value" doc:"The quota; for outbound_countries, how many countries are allowed."`
	InUse     *int              `json:"in_use,omitempty" doc:"What counts against the quota now. For phone_numbers: the inventory and the numbers of active port orders heading to the instance, each number once. Absent where portdesk does not measure it."`
	Countries []string          `json:"countries,omitempty" doc:"For outbound_countries: the ISO 3166-1 alpha-2 codes allowed."`
}

// InstanceQuotas is an instance's quotas and its open quota requests.
type InstanceQuotas struct {
	InstanceID   string                  `json:"instance_id"`
	Quotas       []QuotaUsage            `json:"quotas"`
	OpenRequests []*porting.QuotaRequest `json:"open_requests"`
}

// Quotas returns an instance's quotas, what is in use and its open quota
// requests.
func (s *Instances) Quotas(ctx context.Context, p porting.Principal, instanceID string) (*InstanceQuotas, error) {
	var out *InstanceQuotas
	err := s.store.View(ctx, func(tx porting.Tx) error {
		inst, err := findInstance(ctx, tx, p, instanceID)
		if err != nil {
			return err
		}
		n, err := tx.CountInstanceNumbers(ctx, inst.ID, "")
		if err != nil {
			return err
		}
		open, err := tx.FindQuotaRequests(ctx, porting.QuotaRequestFilter{InstanceID: inst.ID, Status: porting.QuotaRequestOpen, Limit: porting.MaxOpenQuotaRequests})
		if err != nil {
			return err
		}
		q := inst.Quotas
		out = &InstanceQuotas{InstanceID: inst.ID, OpenRequests: open, Quotas: []QuotaUsage{
			{Quota: porting.QuotaPhoneNumbers, Value: q.PhoneNumbers, InUse: &n},
			{Quota: porting.QuotaConcurrentCalls, Value: q.ConcurrentCalls},
			{Quota: porting.QuotaOutboundCountries, Value: len(q.OutboundCountries), Countries: nonNilStrings(q.OutboundCountries)},
		}}
		return nil
	})
	return out, err
}

// QuotaRequestParams are the inputs of CreateQuotaRequest: Value for
// phone_numbers and concurrent_calls, Countries for outbound_countries.
type QuotaRequestParams struct {
	Quota     porting.QuotaName
	Value     int
	Countries []string
	Reason    string
}

// checkQuotaRequest validates what does not depend on the instance.
func checkQuotaRequest(in *QuotaRequestParams) error {
	if !in.Quota.Valid() {
		return porting.FieldErrorf("quota", "quota %q is not one of phone_numbers, concurrent_calls, outbound_countries", in.Quota)
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || len(in.Reason) > porting.MaxTextLength {
		return porting.FieldErrorf("reason", "say why, in 1 to %d characters", porting.MaxTextLength)
	}
	switch in.Quota {
	case porting.QuotaOutboundCountries:
		if in.Value != 0 {
			return porting.FieldErrorf("value", "outbound_countries takes countries, not a value")
		}
		if len(in.Countries) == 0 || len(in.Countries) > porting.MaxQuotaCountries {
			return porting.FieldErrorf("countries", "name 1 to %d countries", porting.MaxQuotaCountries)
		}
		for i, c := range in.Countries {
			if _, ok := country.Lookup(c); !ok || len(c) != 2 || strings.ToUpper(c) != c {
				return porting.FieldErrorf("countries["+strconv.Itoa(i)+"]", "%q is not an ISO 3166-1 alpha-2 country code portdesk knows", c)
			}
		}
		slices.Sort(in.Countries)
		in.Countries = slices.Compact(in.Countries)
	default:
		if len(in.Countries) > 0 {
			return porting.FieldErrorf("countries", "only outbound_countries takes countries")
		}
		limit := porting.MaxQuotaPhoneNumbers
		if in.Quota == porting.QuotaConcurrentCalls {
			limit = porting.MaxQuotaConcurrentCalls
		}
		if in.Value < 1 || in.Value > limit {
			return porting.FieldErrorf("value", "a %s quota is 1 to %d", in.Quota, limit)
		}
	}
	return nil
}

// checkRaise refuses a request that would not raise the instance's quota.
func checkRaise(q porting.Quotas, in QuotaRequestParams) error {
	if in.Quota == porting.QuotaOutboundCountries {
		for _, c := range in.Countries {
			if !slices.Contains(q.OutboundCountries, c) {
				return nil
			}
		}
		return porting.FieldErrorf("countries", "the instance already allows every country named")
	}
	if cur := q.Quota(in.Quota); in.Value <= cur {
		return porting.FieldErrorf("value", "the %s quota is %d already; ask for more", in.Quota, cur)
	}
	return nil
}

// nonNilStrings turns a nil list into an empty one.
func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
