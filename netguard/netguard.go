// Package netguard keeps outbound requests that a customer steers (webhook
// URLs) off the network portdesk runs in: it refuses loopback, private,
// link-local and other addresses that are not routable on the public
// internet, by literal address, by name and again at every dial, so a
// name that moves to an internal address after it was checked is refused
// then. It imports only the standard library.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"syscall"
)

// ErrNonPublic is the refusal of a non-public address. Errors that wrap it
// name the address; callers that show errors to an endpoint's owner should
// say what happened without them.
var ErrNonPublic = errors.New("refusing to deliver to the non-public address")

var (
	nat64          = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour      = netip.MustParsePrefix("2002::/16")
	ipv4Compatible = netip.MustParsePrefix("::/96")
	// nonPublic are special-purpose ranges IsGlobalUnicast lets through:
	// "this network", carrier-grade NAT, IETF protocol assignments,
	// benchmarking, reserved, unique local and site-local IPv6, local-use
	// NAT64, IPv4-translated, Teredo and discard-only. Documentation ranges
	// stay "public": nothing answers there, and tests use them as public
	// addresses that no packet can reach.
	nonPublic = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("240.0.0.0/4"),
		netip.MustParsePrefix("fc00::/7"), netip.MustParsePrefix("fec0::/10"),
		netip.MustParsePrefix("64:ff9b:1::/48"), netip.MustParsePrefix("::ffff:0:0:0/96"), netip.MustParsePrefix("2001::/32"),
		netip.MustParsePrefix("100::/64"),
	}
	// numericHost matches the shorthand IPv4 forms some resolvers accept
	// (127.1, 2130706433, 0x7f000001): no public name looks like them.
	numericHost = regexp.MustCompile(`^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$`)
)

// Public reports whether ip is routable on the public internet. IPv6 forms
// that carry an IPv4 address (IPv4-mapped, NAT64, 6to4, IPv4-compatible)
// are judged by that address.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip) || ipv4Compatible.Contains(ip):
			return Public(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(ip):
			return Public(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// Control is a net.Dialer Control function that refuses to connect to a
// non-public address with an error wrapping ErrNonPublic. It runs after
// name resolution, on the address actually dialled.
func Control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if !Public(ip) {
		return fmt.Errorf("%w %s", ErrNonPublic, ip)
	}
	return nil
}

// CheckHost refuses, with an error wrapping ErrNonPublic, a host that is a
// non-public literal address, "localhost" or a name under it, or a name
// that resolver resolves to any non-public address. A name that does not
// resolve now passes: Control checks every dial. A nil resolver means
// net.DefaultResolver; ctx bounds the lookup.
func CheckHost(ctx context.Context, resolver *net.Resolver, host string) error {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		if !Public(ip) {
			return fmt.Errorf("%w %s", ErrNonPublic, ip)
		}
		return nil
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || numericHost.MatchString(host) {
		return fmt.Errorf("%w of %s", ErrNonPublic, host)
	}
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	ips, err := resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil
	}
	for _, ip := range ips {
		if !Public(ip) {
			return fmt.Errorf("%w %s (%s)", ErrNonPublic, ip, host)
		}
	}
	return nil
}
