package voice

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a log sink written from sipgo's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A malformed INVITE makes sipgo log a parse failure; the whole message,
// with the caller's number in From, must not reach the log.
func TestCallerNumberNeverLogged(t *testing.T) {
	for _, network := range []string{"udp", "tcp"} {
		logs := &syncBuffer{}
		addr := MustStartIngress(t, newFakeRouter(), network, IngressOptions{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		payload := func(local string) []byte {
			return fmt.Appendf(nil, "INVITE sip:+12125550123@%s SIP/2.0\r\n"+
				"Via: SIP/2.0/%s %s;branch=z9hG4bKabc;rport\r\n"+
				"From: <sip:+447700900123@carrier.example>;tag=x1\r\n"+
				"To: <sip:+12125550123@%s>\r\n"+
				"Call-ID: c1@raw\r\nCSeq: notanumber INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
				addr, strings.ToUpper(network), local, addr)
		}
		exchange(t, network, addr, payload, 500*time.Millisecond)
		// A quiet period for sipgo's reader to log what it would.
		time.Sleep(200 * time.Millisecond)
		if strings.Contains(logs.String(), "+447700900123") {
			t.Errorf("%s: the caller's number reached the log: %s", network, logs.String())
		}
	}
}
