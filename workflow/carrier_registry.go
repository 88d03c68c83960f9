package workflow

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/portdesk/portdesk/country"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/signature"
)

// CarrierInput creates a registry entry. Secrets are write-only.
type CarrierInput struct {
	Name      string
	Aliases   []string
	Countries []string
	Gateway   porting.GatewayKind
	Settings  map[string]string
	Secrets   map[string]string
	Routes    []porting.CarrierRoute
	Enabled   *bool
}

// CarrierPatch changes an entry: nil fields stay; in Settings and Secrets
// an empty value removes the key and others are set.
type CarrierPatch struct {
	Name      *string
	Aliases   *[]string
	Countries *[]string
	Gateway   *porting.GatewayKind
	Settings  map[string]string
	Secrets   map[string]string
	Routes    *[]porting.CarrierRoute
	Enabled   *bool
}

// Carriers lists the registry (staff).
func (s *Carriers) Carriers(ctx context.Context, p porting.Principal) ([]*porting.Carrier, error) {
	if !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "only the porting team sees the carrier registry")
	}
	var out []*porting.Carrier
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		out, err = tx.FindCarriers(ctx)
		return err
	})
	return out, err
}

// Carrier returns one entry (staff).
func (s *Carriers) Carrier(ctx context.Context, p porting.Principal, id string) (*porting.Carrier, error) {
	if !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "only the porting team sees the carrier registry")
	}
	var out *porting.Carrier
	err := s.store.View(ctx, func(tx porting.Tx) error {
		var err error
		out, err = tx.FindCarrier(ctx, id)
		return err
	})
	return out, err
}

// CreateCarrier adds an entry to the registry (admin).
func (s *Carriers) CreateCarrier(ctx context.Context, p porting.Principal, in CarrierInput) (*porting.Carrier, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	c := &porting.Carrier{ID: porting.NewID("car"), Name: in.Name, Aliases: in.Aliases, Countries: in.Countries,
		Gateway: in.Gateway, Settings: map[string]string{}, Secrets: map[string]string{}, Routes: in.Routes, Enabled: true}
	if in.Enabled != nil {
		c.Enabled = *in.Enabled
	}
	if c.Gateway == "" {
		c.Gateway = porting.GatewayManual
	}
	mergeValues(c.Settings, in.Settings)
	mergeValues(c.Secrets, in.Secrets)
	if err := s.checkCarrier(c); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		all, err := tx.FindCarriers(ctx)
		if err != nil {
			return err
		}
		if len(all) >= porting.MaxCarriers {
			return porting.Errorf(porting.ECONFLICT, "the registry holds at most %d carriers", porting.MaxCarriers)
		}
		if err := nameFree(all, c); err != nil {
			return err
		}
		c.CreatedAt = s.clock.Now()
		c.UpdatedAt = c.CreatedAt
		if err := tx.CreateCarrier(ctx, c); err != nil {
			return err
		}
		answers(ctx, porting.RefCarrier, c.ID, "")
		return s.events.record(ctx, tx, p, porting.EventCarrierCreated, porting.Event{}, nil, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCarrier changes an entry (admin).
func (s *Carriers) UpdateCarrier(ctx context.Context, p porting.Principal, id string, in CarrierPatch) (*porting.Carrier, error) {
	if err := requireAdmin(p); err != nil {
		return nil, err
	}
	var c *porting.Carrier
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		var err error
		if c, err = tx.FindCarrier(ctx, id); err != nil {
			return err
		}
		before := *c
		applyCarrierPatch(c, in)
		if err := s.checkCarrier(c); err != nil {
			return err
		}
		all, err := tx.FindCarriers(ctx)
		if err != nil {
			return err
		}
		if err := nameFree(all, c); err != nil {
			return err
		}
		if err := tx.UpdateCarrier(ctx, c); err != nil {
			return err
		}
		if err := s.requeueFailedCalls(ctx, tx, c); err != nil {
			return err
		}
		return s.events.record(ctx, tx, p, porting.EventCarrierUpdated, porting.Event{}, &before, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// applyCarrierPatch copies the set fields of in onto c.
func applyCarrierPatch(c *porting.Carrier, in CarrierPatch) {
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.Aliases != nil {
		c.Aliases = *in.Aliases
	}
	if in.Countries != nil {
		c.Countries = *in.Countries
	}
	if in.Gateway != nil {
		c.Gateway = *in.Gateway
	}
	if in.Routes != nil {
		c.Routes = *in.Routes
	}
	if in.Enabled != nil {
		c.Enabled = *in.Enabled
	}
	if c.Settings == nil {
		c.Settings = map[string]string{}
	}
	if c.Secrets == nil {
		c.Secrets = map[string]string{}
	}
	mergeValues(c.Settings, in.Settings)
	mergeValues(c.Secrets, in.Secrets)
}

// mergeValues sets the keys of in on m; an empty value removes the key.
func mergeValues(m, in map[string]string) {
	for k, v := range in {
		if strings.TrimSpace(v) == "" {
			delete(m, k)
		} else {
			m[k] = strings.TrimSpace(v)
		}
	}
}

// nameFree refuses a name or alias another entry is known by: a customer's
// "current carrier" must match one entry at most.
func nameFree(all []*porting.Carrier, c *porting.Carrier) error {
	for _, o := range all {
		if o.ID == c.ID {
			continue
		}
		for i, n := range append([]string{c.Name}, c.Aliases...) {
			if o.KnownAs(n) {
				field := "name"
				if i > 0 {
					field = fmt.Sprintf("aliases[%d]", i-1)
				}
				return &porting.Error{Code: porting.ECONFLICT, Field: field, Message: fmt.Sprintf("carrier %s (%s) is already known as %q", o.Name, o.ID, n)}
			}
		}
	}
	return nil
}

// settingKey is the form of a setting or secret name.
var settingKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// checkCarrier checks an entry as a whole, so creation and every change
// pass the same rules, and tries its gateway.
func (s *Carriers) checkCarrier(c *porting.Carrier) error {
	c.Name = strings.TrimSpace(c.Name)
	if err := checkName("name", c.Name); err != nil {
		return err
	}
	if len(c.Aliases) > porting.MaxCarrierAliases {
		return porting.FieldErrorf("aliases", "at most %d aliases", porting.MaxCarrierAliases)
	}
	for i := range c.Aliases {
		c.Aliases[i] = strings.TrimSpace(c.Aliases[i])
		if err := checkName(fmt.Sprintf("aliases[%d]", i), c.Aliases[i]); err != nil {
			return err
		}
	}
	if len(c.Countries) > len(country.All()) {
		return porting.FieldErrorf("countries", "at most %d countries", len(country.All()))
	}
	for i := range c.Countries {
		c.Countries[i] = strings.ToUpper(strings.TrimSpace(c.Countries[i]))
		if _, ok := country.Lookup(c.Countries[i]); !ok {
			return porting.FieldErrorf(fmt.Sprintf("countries[%d]", i), "%q is not a country portdesk knows (ISO 3166-1 alpha-2, e.g. US)", c.Countries[i])
		}
	}
	if !c.Gateway.Valid() {
		return porting.FieldErrorf("gateway", "gateway must be manual, http or twilio")
	}
	if err := checkValues("settings", c.Settings); err != nil {
		return err
	}
	if err := checkValues("secrets", c.Secrets); err != nil {
		return err
	}
	if err := checkRoutes(c); err != nil {
		return err
	}
	if err := checkGatewaySettings(c); err != nil {
		return err
	}
	if c.Gateway != porting.GatewayManual && s.gateways != nil {
		if _, err := s.gateways(c); err != nil {
			return porting.FieldErrorf("settings", "the %s gateway cannot be built from these settings: %s", c.Gateway, porting.ErrorMessage(err))
		}
	}
	return nil
}

// checkName checks a carrier name or alias.
func checkName(field, v string) error {
	if v == "" || len(v) > porting.MaxNameLength || strings.ContainsFunc(v, unicode.IsControl) {
		return porting.FieldErrorf(field, "a carrier name is 1 to %d characters without control characters", porting.MaxNameLength)
	}
	return nil
}

// checkValues checks the keys and values of settings or secrets.
func checkValues(field string, m map[string]string) error {
	if len(m) > porting.MaxCarrierSettings {
		return porting.FieldErrorf(field, "at most %d entries", porting.MaxCarrierSettings)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !settingKey.MatchString(k) {
			return porting.FieldErrorf(field, "%q is not a setting name (lower case letters, digits and _)", k)
		}
		if len(m[k]) > porting.MaxSettingLength || strings.ContainsFunc(m[k], unicode.IsControl) {
			return porting.FieldErrorf(field+"."+k, "a value is at most %d characters without control characters", porting.MaxSettingLength)
		}
	}
	return nil
}

// checkRoutes checks an entry's routes: known countries, among the
// entry's own.
func checkRoutes(c *porting.Carrier) error {
	if len(c.Routes) > porting.MaxCarrierRoutes {
		return porting.FieldErrorf("routes", "at most %d routes", porting.MaxCarrierRoutes)
	}
	for i := range c.Routes {
		r := &c.Routes[i]
		r.Country = strings.ToUpper(strings.TrimSpace(r.Country))
		r.LosingCarrier = strings.TrimSpace(r.LosingCarrier)
		field := fmt.Sprintf("routes[%d]", i)
		if !slices.Contains(c.Countries, r.Country) {
			return porting.FieldErrorf(field+".country", "route country %q is not among the carrier's countries %v", r.Country, c.Countries)
		}
		if r.LosingCarrier != "" {
			if err := checkName(field+".losing_carrier", r.LosingCarrier); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkGatewaySettings checks what each gateway kind needs.
func checkGatewaySettings(c *porting.Carrier) error {
	if u := c.Settings[porting.SettingBaseURL]; u != "" {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
			return porting.FieldErrorf("settings."+porting.SettingBaseURL, "base_url must be an absolute http(s) URL without credentials")
		}
	}
	switch c.Gateway {
	case porting.GatewayHTTP:
		if c.Settings[porting.SettingBaseURL] == "" {
			return porting.FieldErrorf("settings."+porting.SettingBaseURL, "the http gateway needs the carrier's base_url")
		}
		secret := c.Secrets[porting.SecretSigning]
		if secret == "" {
			return porting.FieldErrorf("secrets."+porting.SecretSigning, "the http gateway needs the signing_secret shared with the carrier (whsec_ and base64)")
		}
		if _, err := signature.Sign(secret, "check", time.Unix(0, 0), nil); err != nil {
			return porting.FieldErrorf("secrets."+porting.SecretSigning, "signing_secret must be whsec_ followed by base64 of 24 to 64 bytes")
		}
	case porting.GatewayTwilio:
		if c.Settings["account_sid"] == "" || c.Secrets["auth_token"] == "" {
			return porting.FieldErrorf("settings.account_sid", "the twilio gateway needs settings.account_sid and secrets.auth_token")
		}
	}
	return nil
}
