package voice

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// MustFindSipp returns the path of sipp (Debian's sip-tester). Without it
// the test is skipped on a workstation and fails under CI, where the tool
// is installed and a skip would pass vacuously.
func MustFindSipp(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("sipp")
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("sipp is missing under CI (install sip-tester): %v", err)
	}
	tb.Skipf("sipp is not installed (apt-get install sip-tester): %v", err)
	return ""
}

// runSipp runs sipp with args in a scratch directory and returns its
// output and whether every call it placed or took succeeded.
func runSipp(t *testing.T, sipp string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, sipp, append(args, "-nostdin", "-timeout", "10s", "-timeout_error")...)
	cmd.Dir = t.TempDir()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// scenario is the absolute path of a sipp scenario under testdata.
func scenario(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// sippTransport is sipp's -t value for a network: one socket for all calls.
func sippTransport(network string) string {
	if network == "tcp" {
		return "t1"
	}
	return "u1"
}

func TestSippCallsTheIngress(t *testing.T) {
	t.Parallel()
	sipp := MustFindSipp(t)
	tests := []struct {
		name, scenario, number string
		wantOK                 bool
		wantOutput             string // a line sipp must print, when set
	}{
		{"active number gets 200 with its flow", "uac_answered.xml", numberActive, true, ""},
		{"pending number gets 480", "uac_unavailable.xml", numberPending, true, ""},
		{"unknown number gets 404", "uac_not_found.xml", numberUnknown, true, ""},
		{"number without a flow gets 404", "uac_not_found.xml", numberNoFlow, true, ""},
		// The scenarios' checks can fail: a call answered by another
		// flow, or refused, does not pass the 200 scenario.
		{"another flow fails the flow check", "uac_answered.xml", numberOtherFlow, false, "Failed regexp match"},
		{"pending number fails the 200 scenario", "uac_answered.xml", numberPending, false, ""},
	}
	for _, network := range []string{"udp", "tcp"} {
		t.Run(network, func(t *testing.T) {
			t.Parallel()
			router := newFakeRouter()
			addr := MustStartIngress(t, router, network, IngressOptions{})
			for _, tt := range tests {
				out, err := runSipp(t, sipp, "-sf", scenario(t, tt.scenario), "-m", "1",
					"-s", tt.number, addr, "-t", sippTransport(network), "-i", "127.0.0.1", "-p", "0")
				if ok := err == nil; ok != tt.wantOK {
					t.Errorf("%s: sipp succeeded = %v (%v), want %v; output:\n%s", tt.name, ok, err, tt.wantOK, out)
				}
				if !strings.Contains(out, tt.wantOutput) {
					t.Errorf("%s: sipp did not print %q; output:\n%s", tt.name, tt.wantOutput, out)
				}
			}
			if got := len(router.Records()); got != len(tests) {
				t.Errorf("%d call records after %d sipp calls", got, len(tests))
			}
		})
	}
}

// freeUDPPort returns a port on 127.0.0.1 that was free a moment ago.
func freeUDPPort(t *testing.T) string {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return strconv.Itoa(conn.LocalAddr().(*net.UDPAddr).Port)
}

func TestCallerCallsSipp(t *testing.T) {
	t.Parallel()
	sipp := MustFindSipp(t)
	tests := []struct {
		name, scenario     string
		wantFlow, wantName string
	}{
		{"sipp's built-in uas", "", "", ""},
		{"a far end naming its flow", "uas_flow.xml", "flow-uas", "Far end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			port := freeUDPPort(t)
			args := []string{"-sn", "uas"}
			if tt.scenario != "" {
				args = []string{"-sf", scenario(t, tt.scenario)}
			}
			args = append(args, "-m", "1", "-t", "u1", "-i", "127.0.0.1", "-p", port)
			type sippResult struct {
				out string
				err error
			}
			done := make(chan sippResult, 1)
			go func() {
				out, err := runSipp(t, sipp, args...)
				done <- sippResult{out, err}
			}()
			// sipp may bind after the INVITE leaves; UDP retransmission
			// (500ms, then doubling) covers the gap.
			caller := MustNewCaller(t, CallerOptions{})
			got, err := caller.PlaceCall(context.Background(), "sip:127.0.0.1:"+port, numberActive)
			sippDone := <-done
			if err != nil {
				t.Fatalf("PlaceCall to sipp: %v\nsipp output:\n%s", err, sippDone.out)
			}
			if got.SIPStatus != 200 || got.ContactFlowID != tt.wantFlow || got.ContactFlowName != tt.wantName {
				t.Errorf("PlaceCall to sipp = %+v, want 200 flow %q name %q", got, tt.wantFlow, tt.wantName)
			}
			if sippDone.err != nil {
				t.Errorf("sipp saw a failed call (%v); output:\n%s", sippDone.err, sippDone.out)
			}
		})
	}
}
