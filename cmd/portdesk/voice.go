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
	in, err := voice.NewIngress(lateRouter{m}, voice.IngressOptions{Now: clock.Now, Logger: m.logger.With("component", "sip-ingress")})
	if err != nil {
		return "", nil, err
	}
	m.ingress = in
	bound, err := in.Listen(ctx, "udp", m.Config.SIPAddr)
	if err != nil {
		return "", nil, fmt.Errorf("--sip-addr %s (udp): %w", m.Config.SIPAddr, err)
	}
	if _, err := in.Listen(ctx, "tcp", bound); err != nil {
		return "", nil, fmt.Errorf("--sip-addr %s (tcp): %w", bound, err)
	}
	m.sipAddr = bound
	return "sip:" + bound, caller, nil
}
