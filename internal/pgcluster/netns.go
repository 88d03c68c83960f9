package pgcluster

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Namespace is a network namespace joined to this machine by veth pairs,
// one per Link: a process run in it reaches the host only through them.
type Namespace struct {
	Name  string
	Links []Link
}

// Link is one veth pair: HostAddr on the host side (HostDev), NSAddr on
// the namespace's side, in a /30 of their own.
type Link struct {
	HostDev, HostAddr, NSAddr, Subnet string
}

// NewNamespace makes a namespace with n veth pairs, their names and
// private addresses (10.<pid-derived>.<i>.0/30) unique to this process;
// everything is deleted when the test ends, whatever the outcome.
func NewNamespace(tb testing.TB, n int) *Namespace {
	tb.Helper()
	pid := os.Getpid()
	ns := &Namespace{Name: fmt.Sprintf("pdfault%d", pid)}
	ip(tb, "netns", "add", ns.Name)
	tb.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns.Name).Run() })
	ip(tb, "-n", ns.Name, "link", "set", "lo", "up")
	// Interface names are at most 15 bytes.
	// 10.16.0.0 to 10.215.255.255: clear of the usual 10.0/16 networks.
	net := fmt.Sprintf("10.%d.%d.", 16+pid%200, pid/200%256)
	for i := 0; i < n; i++ {
		host, peer := fmt.Sprintf("pdh%d_%d", pid%1000000, i), fmt.Sprintf("pdn%d_%d", pid%1000000, i)
		l := Link{HostDev: host, HostAddr: fmt.Sprint(net, 4*i+1), NSAddr: fmt.Sprint(net, 4*i+2),
			Subnet: fmt.Sprint(net, 4*i, "/30")}
		ip(tb, "link", "add", host, "type", "veth", "peer", "name", peer)
		tb.Cleanup(func() { _ = exec.Command("ip", "link", "del", host).Run() })
		ip(tb, "link", "set", peer, "netns", ns.Name)
		ip(tb, "addr", "add", l.HostAddr+"/30", "dev", host)
		ip(tb, "link", "set", host, "up")
		ip(tb, "-n", ns.Name, "addr", "add", l.NSAddr+"/30", "dev", peer)
		ip(tb, "-n", ns.Name, "link", "set", peer, "up")
		ns.Links = append(ns.Links, l)
	}
	return ns
}

// Command is name with args run inside the namespace.
func (ns *Namespace) Command(name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", ns.Name, name}, args...)...)
}

// SetUp brings link i's host side up or down: down, nothing passes
// between the host and the namespace on it.
func (ns *Namespace) SetUp(tb testing.TB, i int, up bool) {
	tb.Helper()
	state := "down"
	if up {
		state = "up"
	}
	ip(tb, "link", "set", ns.Links[i].HostDev, state)
}

func ip(tb testing.TB, args ...string) {
	tb.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		tb.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// SetLink brings a host-side device up or down, for cleanups that run
// after the test has failed.
func SetLink(dev string, up bool) error {
	state := "down"
	if up {
		state = "up"
	}
	return exec.Command("ip", "link", "set", dev, state).Run()
}
