package voice

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// rawRequest is a SIP request as a peer would write it from local over
// network, with a fresh branch and Call-ID.
func rawRequest(method, requestURI, network, local string) []byte {
	id := sip.GenerateTagN(12)
	return fmt.Appendf(nil, "%s %s SIP/2.0\r\n"+
		"Via: SIP/2.0/%s %s;branch=z9hG4bK%s;rport\r\n"+
		"From: <sip:raw@%s>;tag=%s\r\n"+
		"To: <%s>\r\n"+
		"Call-ID: %s@raw\r\n"+
		"CSeq: 1 %s\r\n"+
		"Contact: <sip:raw@%s>\r\n"+
		"Max-Forwards: 70\r\n"+
		"Content-Length: 0\r\n\r\n",
		method, requestURI, strings.ToUpper(network), local, id, local, id, requestURI, id, method, local)
}

// exchange sends payload to addr over a new connection and returns the
// status code of the first answer, 0 when none came within wait.
func exchange(t *testing.T, network, addr string, payload func(local string) []byte, wait time.Duration) int {
	t.Helper()
	answer := exchangeMessage(t, network, addr, payload, wait)
	if answer == nil {
		return 0
	}
	return statusCode(t, answer)
}

// exchangeMessage is exchange returning the whole first answer, nil when
// none came.
func exchangeMessage(t *testing.T, network, addr string, payload func(local string) []byte, wait time.Duration) []byte {
	t.Helper()
	conn, err := net.Dial(network, addr)
	if err != nil {
		t.Fatalf("dial %s %s: %v", network, addr, err)
	}
	defer conn.Close()
	if _, err := conn.Write(payload(conn.LocalAddr().String())); err != nil {
		t.Fatalf("write to %s: %v", addr, err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 65536)
	n, err := conn.Read(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

// statusCode reads the status code from a response's first line.
func statusCode(t *testing.T, msg []byte) int {
	t.Helper()
	line, _ := bufio.NewReader(bytes.NewReader(msg)).ReadString('\n')
	var code int
	if _, err := fmt.Sscanf(line, "SIP/2.0 %d", &code); err != nil {
		t.Fatalf("answer %q is not a SIP response", line)
	}
	return code
}

// request returns a payload of one raw request.
func request(method, requestURI, network string) func(string) []byte {
	return func(local string) []byte { return rawRequest(method, requestURI, network, local) }
}

// fixed returns a payload that is always b.
func fixed(b []byte) func(string) []byte { return func(string) []byte { return b } }

func TestIngressSurvivesBadInput(t *testing.T) {
	t.Parallel()
	for _, network := range []string{"udp", "tcp"} {
		t.Run(network, func(t *testing.T) {
			t.Parallel()
			router := newFakeRouter()
			addr := MustStartIngress(t, router, network, IngressOptions{})
			uri := "sip:" + numberActive + "@" + addr
			invite := request("INVITE", uri, network)
			tests := []struct {
				name    string
				payload func(string) []byte
				want    []int // acceptable answers; 0 is none
			}{
				{"garbage", fixed([]byte("\x00\xff\xfe garbage \r\n\r\n")), []int{0, 400}},
				{"empty lines", fixed([]byte("\r\n\r\n\r\n")), []int{0}},
				{"truncated INVITE", func(l string) []byte { b := invite(l); return b[:len(b)/2] }, []int{0, 400}},
				{"INVITE without Via or CSeq", fixed([]byte("INVITE " + uri + " SIP/2.0\r\nContent-Length: 0\r\n\r\n")), []int{0, 400}},
				{"Content-Length beyond the body", func(l string) []byte {
					return bytes.Replace(invite(l), []byte("Content-Length: 0"), []byte("Content-Length: 99999"), 1)
				}, []int{0, 400}},
				{"oversized INVITE", func(l string) []byte {
					return bytes.Replace(invite(l), []byte("Max-Forwards"), []byte("X-Pad: "+strings.Repeat("a", 60000)+"\r\nMax-Forwards"), 1)
				}, []int{0, 400, 404, 413, 513, 200}},
				{"unknown method", request("FROBNICATE", uri, network), []int{405, 501}},
				{"INVITE for a name, not a number", request("INVITE", "sip:alice@"+addr, network), []int{404}},
				// Over UDP a 10k datagram may exceed what sipgo reads; then
				// it is dropped, which is fine too.
				{"INVITE with a 10k user part", request("INVITE", "sip:+1"+strings.Repeat("5", 10000)+"@"+addr, network), []int{0, 404}},
				{"INVITE of a tel: URI", request("INVITE", "tel:+1-312-555-0141", network), []int{480}},
			}
			for _, tt := range tests {
				got := exchange(t, network, addr, tt.payload, 500*time.Millisecond)
				if !containsInt(tt.want, got) {
					t.Errorf("%s: answer %d, want one of %v", tt.name, got, tt.want)
				}
				if alive := exchange(t, network, addr, request("OPTIONS", "sip:"+addr, network), 2*time.Second); alive != 200 {
					t.Fatalf("after %s: OPTIONS answered %d, want 200", tt.name, alive)
				}
			}
		})
	}
}

func TestIngressAnswersOtherMethods(t *testing.T) {
	t.Parallel()
	addr := MustStartIngress(t, newFakeRouter(), "udp", IngressOptions{})
	tests := []struct {
		method     string
		wantStatus int
		wantAllow  bool
	}{
		{"OPTIONS", 200, true},
		{"BYE", 200, true},
		{"CANCEL", 481, false},
		{"REGISTER", 405, true},
		{"SUBSCRIBE", 405, true},
	}
	for _, tt := range tests {
		answer := exchangeMessage(t, "udp", addr, request(tt.method, "sip:"+numberActive+"@"+addr, "udp"), 2*time.Second)
		if answer == nil {
			t.Fatalf("%s: no answer", tt.method)
		}
		if got := statusCode(t, answer); got != tt.wantStatus {
			t.Errorf("%s answered %d, want %d", tt.method, got, tt.wantStatus)
		}
		if got := bytes.Contains(answer, []byte("Allow: INVITE, ACK, BYE, CANCEL, OPTIONS")); got != tt.wantAllow {
			t.Errorf("%s answer has the Allow header = %v, want %v:\n%s", tt.method, got, tt.wantAllow, answer)
		}
	}
}

// floodInvite sends one INVITE on conn and returns the status of its
// answer, skipping retransmitted answers to earlier INVITEs (the flood
// never ACKs), 0 when none came within 2s.
func floodInvite(conn net.Conn, uri string) int {
	invite := rawRequest("INVITE", uri, "udp", conn.LocalAddr().String())
	callID := invite[bytes.Index(invite, []byte("Call-ID:")):]
	callID = callID[:bytes.IndexByte(callID, '\r')]
	if _, err := conn.Write(invite); err != nil {
		return 0
	}
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 8192)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return 0
		}
		if !bytes.Contains(buf[:n], callID) {
			continue
		}
		var code int
		if _, err := fmt.Sscanf(string(buf[:n]), "SIP/2.0 %d", &code); err != nil {
			return -1
		}
		return code
	}
}

// containsInt reports whether want holds got.
func containsInt(want []int, got int) bool {
	for _, w := range want {
		if w == got {
			return true
		}
	}
	return false
}

func TestIngressSurvivesInviteFlood(t *testing.T) {
	t.Parallel()
	const senders, perSender = 40, 50
	router := newFakeRouter()
	addr := MustStartIngress(t, router, "udp", IngressOptions{MaxConcurrent: 64})
	uri := "sip:" + numberPending + "@" + addr

	var answered, shed, silent, other atomic.Int64
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			conn, err := net.Dial("udp", addr)
			if err != nil {
				t.Errorf("dial: %v", err)
				return
			}
			defer conn.Close()
			for range perSender {
				switch floodInvite(conn, uri) {
				case 0:
					silent.Add(1)
				case 480:
					answered.Add(1)
				case 503:
					shed.Add(1)
				default:
					other.Add(1)
				}
			}
		})
	}
	wg.Wait()
	t.Logf("flood of %d INVITEs: %d answered 480, %d shed with 503, %d other, %d unanswered",
		senders*perSender, answered.Load(), shed.Load(), other.Load(), silent.Load())
	if answered.Load() == 0 {
		t.Error("no INVITE of the flood was answered 480")
	}
	// Every 480 was recorded before it was sent; a shed INVITE is not
	// recorded.
	if got := int64(len(router.Records())); got < answered.Load() || got > answered.Load()+other.Load()+silent.Load() {
		t.Errorf("%d call records for %d INVITEs answered 480", got, answered.Load())
	}

	caller := MustNewCaller(t, CallerOptions{})
	got, err := caller.PlaceCall(t.Context(), target(numberActive, addr, "udp"), numberActive)
	if err != nil || got.SIPStatus != 200 || got.ContactFlowID != "flow-1" {
		t.Fatalf("call after the flood = %+v, %v; want 200 with flow-1", got, err)
	}
}
