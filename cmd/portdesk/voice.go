package main

import (
	"context"
	"fmt"
	"net"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/voice"
)

// lateRouter hands the ingress's questions to the service once it is
// wired: the ingress listens first, so the service knows its address.
type lateRouter struct{ m *Main }

// RouteCall implements porting.CallRouter.
func (r lateRouter) RouteCall(ctx context.Context, e164 string) (*porting.NumberRoute, error) {
	if r.m.Service == nil {
		return nil, porting.Errorf(porting.EUNAVAILABLE, "the desk is starting")
	}
	return r.m.Service.PortDay.RouteCall(ctx, e164)
}

// RecordCall implements porting.CallRouter.
func (r lateRouter) RecordCall(ctx context.Context, c porting.CallRecord) error {
	if r.m.Service == nil {
		return nil
	}
	return r.m.Service.PortDay.RecordCall(ctx, c)
}

// startVoice runs the SIP ingress on --sip-addr (UDP and TCP on one port)
// and the test caller, and returns the ingress's URI (sip:host:port), ""
// without --sip-addr. clock dates the call records.
func (m *Main) startVoice(ctx context.Context, clock porting.Clock) (string, porting.TestCaller, error) {
	voice.QuietLibrary(m.logger.With("component", "sip"))
	host := "127.0.0.1"
	if m.Config.SIPAddr != "" {
		h, _, err := net.SplitHostPort(m.Config.SIPAddr)
		if err != nil {
			return "", nil, fmt.Errorf("--sip-addr %s: %w", m.Config.SIPAddr, err)
		}
		if ip := net.ParseIP(h); ip != nil && !ip.IsUnspecified() {
			host = h
		}
	}
	caller, err := voice.NewCaller(voice.CallerOptions{LocalHost: host, Logger: m.logger.With("component", "sip-caller")})
	if err != nil {
		return "", nil, err
	}
	m.caller = caller
	if m.Config.SIPAddr == "" {
		return "", caller, nil
	}
	in, bound, err := m.listenSIP(ctx, clock)
	if err != nil {
		return "", nil, err
	}
	m.ingress = in
	m.sipAddr = bound
	return "sip:" + bound, caller, nil
}

// listenSIP starts the ingress on --sip-addr for UDP and TCP on the same
// port. With port 0 the first free port for TCP may be busy for UDP (or
// the other way round): it tries again with another, a few times.
func (m *Main) listenSIP(ctx context.Context, clock porting.Clock) (*voice.Ingress, string, error) {
	_, port, _ := net.SplitHostPort(m.Config.SIPAddr)
	tries := 1
	if port == "0" {
		tries = 20
	}
	var last error
	for range tries {
		in, err := voice.NewIngress(lateRouter{m}, voice.IngressOptions{Now: clock.Now, Logger: m.logger.With("component", "sip-ingress")})
		if err != nil {
			return nil, "", err
		}
		bound, err := in.Listen(ctx, "tcp", m.Config.SIPAddr)
		if err != nil {
			in.Close()
			return nil, "", fmt.Errorf("--sip-addr %s (tcp): %w", m.Config.SIPAddr, err)
		}
		if _, err := in.Listen(ctx, "udp", bound); err != nil {
			in.Close()
			last = fmt.Errorf("--sip-addr %s (udp): %w", bound, err)
			continue
		}
		return in, bound, nil
	}
	return nil, "", last
}
