package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
)

func TestPublic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip   string
		want bool
	}{
		{"8.8.8.8", true}, {"2001:4860:4860::8888", true}, {"64:ff9b::808:808", true},
		{"127.0.0.1", false}, {"::1", false}, {"192.168.1.2", false}, {"172.16.0.1", false}, {"10.0.0.1", false},
		{"100.64.0.1", false}, {"fd00::1", false}, {"fe80::1", false}, {"169.254.169.254", false},
		{"::ffff:10.0.0.1", false}, {"0.0.0.0", false}, {"64:ff9b::a9fe:a9fe", false}, {"2002:7f00:1::1", false},
		{"::127.0.0.1", false}, {"fec0::1", false}, {"198.18.0.1", false}, {"240.0.0.1", false}, {"192.0.0.8", false},
		{"224.0.0.1", false}, {"255.255.255.255", false},
		{"64:ff9b:1::a00:1", false}, {"2001:0:4136:e378:8000:63bf:3fff:fdd2", false}, {"100::1", false},
		{"203.0.113.9", true},
	}
	for _, tt := range tests {
		if got := Public(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("Public(%s) = %v, want %v", tt.ip, got, tt.want)
		}
	}
}

func TestControl(t *testing.T) {
	t.Parallel()
	tests := []struct {
		address string
		refused bool
	}{{"8.8.8.8:443", false}, {"[2001:4860:4860::8888]:443", false}, {"127.0.0.1:80", true}, {"[::1]:80", true}, {"10.1.2.3:9200", true}}
	for _, tt := range tests {
		err := Control("tcp", tt.address, nil)
		if got := errors.Is(err, ErrNonPublic); got != tt.refused {
			t.Errorf("Control(%s) = %v, refused %v, want %v", tt.address, err, got, tt.refused)
		}
	}
	if err := Control("tcp", "no port", nil); err == nil || errors.Is(err, ErrNonPublic) {
		t.Errorf("Control(no port) = %v, want an address error", err)
	}
}

// TestDialerRefuses dials a listener on loopback through a guarded dialer.
func TestDialerRefuses(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	d := net.Dialer{Control: Control}
	if c, err := d.DialContext(context.Background(), "tcp", ln.Addr().String()); !errors.Is(err, ErrNonPublic) {
		if c != nil {
			c.Close()
		}
		t.Errorf("dial %s = %v, want ErrNonPublic", ln.Addr(), err)
	}
}

func TestCheckHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		host    string
		refused bool
	}{
		{"8.8.8.8", false}, {"2001:4860:4860::8888", false}, {"127.0.0.1", true}, {"::1", true}, {"169.254.169.254", true},
		{"localhost", true}, {"LOCALHOST.", true}, {"api.localhost", true},
		{"127.1", true}, {"2130706433", true}, {"0x7f000001", true}, {"0", true},
		// A name that does not resolve passes; the dial is checked again.
		{"no-such-host.invalid", false},
	}
	for _, tt := range tests {
		err := CheckHost(context.Background(), nil, tt.host)
		if got := errors.Is(err, ErrNonPublic); got != tt.refused || (err != nil && !tt.refused) {
			t.Errorf("CheckHost(%s) = %v, want refused %v", tt.host, err, tt.refused)
		}
	}
}
