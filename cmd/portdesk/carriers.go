package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/portdesk/portdesk/carrier/httpgw"
	"github.com/portdesk/portdesk/carrier/sim"
	"github.com/portdesk/portdesk/carrier/twilio"
	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/signature"
	"github.com/portdesk/portdesk/workflow"
)

// gateways builds the gateway of a carrier registry entry from its
// settings and secrets.
func gateways(c *porting.Carrier) (porting.CarrierGateway, error) {
	switch c.Gateway {
	case porting.GatewayHTTP:
		return httpgw.New(httpgw.Config{BaseURL: c.Settings[porting.SettingBaseURL], Secret: c.Secrets[porting.SecretSigning]}), nil
	case porting.GatewayTwilio:
		var emails []string
		for _, e := range strings.Split(c.Settings["notification_emails"], ",") {
			if e = strings.TrimSpace(e); e != "" {
				emails = append(emails, e)
			}
		}
		return twilio.New(twilio.Config{AccountSID: c.Settings["account_sid"], AuthToken: c.Secrets["auth_token"],
			APIKeySID: c.Settings["api_key_sid"], APIKeySecret: c.Secrets["api_key_secret"],
			BaseURL: c.Settings[porting.SettingBaseURL], UploadURL: c.Settings["upload_url"],
			RepresentativeEmail: c.Settings["representative_email"], NotificationEmails: emails})
	}
	return workflow.ManualGateway{}, nil
}

// demoSimNumbers are the demo customer's numbers the sandbox's carrier
// simulator holds (carrier/sim/demo-csrs.json).
const demoSimNumbers = "+13125550140, +13125550141 and +13125550142"

// sandboxCarrier is the name of the simulator's registry entry.
const sandboxCarrier = "Simtel"

// startSandboxCarrier runs the carrier simulator in the process, on a
// loopback port of its own, and registers it (or points the entry kept
// from an earlier start at it): orders of the sandbox whose numbers the
// simulator holds are submitted to it, so a whole port, carrier included,
// can be rehearsed.
func (m *Main) startSandboxCarrier(ctx context.Context) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("carrier simulator: %w", err)
	}
	base := "http://" + ln.Addr().String()
	admin := porting.Principal{Role: porting.RoleAdmin, KeyID: "sandbox"}
	entry, err := m.sandboxCarrierEntry(ctx, admin, base)
	if err != nil {
		ln.Close()
		return err
	}
	s, err := sim.New(sim.Config{Secret: entry.Secrets[porting.SecretSigning], AnswerDelay: m.Config.SimAnswerDelay,
		CallbackBackoff: time.Second, Log: m.logger.With("component", "carrier-sim")})
	if err != nil {
		ln.Close()
		return fmt.Errorf("carrier simulator: %w", err)
	}
	m.sim, m.simHTTP = s, &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	m.simURL = base
	go func() {
		if err := m.simHTTP.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.logger.Error("carrier simulator stopped", "err", err)
		}
	}()
	return nil
}

// sandboxCarrierEntry creates the simulator's registry entry, or points
// the existing one at base.
func (m *Main) sandboxCarrierEntry(ctx context.Context, admin porting.Principal, base string) (*porting.Carrier, error) {
	all, err := m.Service.Carriers.Carriers(ctx, admin)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.Name == sandboxCarrier {
			return m.Service.Carriers.UpdateCarrier(ctx, admin, c.ID, workflow.CarrierPatch{
				Settings: map[string]string{porting.SettingBaseURL: base}})
		}
	}
	secret, err := signature.NewSecret()
	if err != nil {
		return nil, err
	}
	return m.Service.Carriers.CreateCarrier(ctx, admin, workflow.CarrierInput{
		Name: sandboxCarrier, Aliases: []string{"Simtel Communications"}, Countries: []string{"US"}, Gateway: porting.GatewayHTTP,
		Settings: map[string]string{porting.SettingBaseURL: base},
		Secrets:  map[string]string{porting.SecretSigning: secret},
		Routes: []porting.CarrierRoute{{Country: "US", LosingCarrier: sandboxCarrier},
			{Country: "US", LosingCarrier: "Northwind Mobile"}}})
}
