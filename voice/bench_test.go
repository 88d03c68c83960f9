package voice

import (
	"context"
	"fmt"
	"net"
	"testing"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// BenchmarkIngress measures INVITEs handled per second on loopback UDP by
// the ingress (routing an active number through an in-memory router,
// recording the call, answering 200 with the flow headers) beside the
// floor: a bare sipgo server that answers 200 to everything. The same
// sipgo client drives both with concurrent INVITEs (no ACK: the measure
// is the INVITE transaction).
func BenchmarkIngress(b *testing.B) {
	b.Run("ingress", func(b *testing.B) {
		addr := MustStartIngress(b, newFakeRouter(), "udp", IngressOptions{})
		driveInvites(b, addr)
	})
	b.Run("floor", func(b *testing.B) {
		driveInvites(b, mustStartFloor(b))
	})
}

// driveInvites sends b.N INVITEs for the active number to addr from many
// goroutines and reports the rate.
func driveInvites(b *testing.B, addr string) {
	ua, err := sipgo.NewUA(userAgentOptions(quietLogger())...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ua.Close() })
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"),
		sipgo.WithClientConnectionAddr("127.0.0.1:0"), sipgo.WithClientLogger(quietLogger()))
	if err != nil {
		b.Fatal(err)
	}
	var recipient sip.Uri
	if err := sip.ParseUri("sip:"+numberActive+"@"+addr, &recipient); err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Do(context.Background(), sip.NewRequest(sip.INVITE, recipient))
			if err != nil {
				b.Error(err)
				return
			}
			if res.StatusCode != sip.StatusOK {
				b.Error(fmt.Errorf("INVITE answered %d", res.StatusCode))
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "invites/s")
}

// mustStartFloor serves a bare sipgo server answering 200 to every
// request on 127.0.0.1 UDP until the benchmark ends; it returns its address.
func mustStartFloor(b *testing.B) string {
	ua, err := sipgo.NewUA(userAgentOptions(quietLogger())...)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(quietLogger()))
	if err != nil {
		b.Fatal(err)
	}
	answer := func(req *sip.Request, tx sip.ServerTransaction) {
		if tx != nil {
			_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
		}
	}
	srv.OnInvite(answer)
	srv.OnNoRoute(answer)
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.ServeUDP(conn) }()
	b.Cleanup(func() {
		_ = conn.Close()
		_ = ua.Close()
	})
	return conn.LocalAddr().String()
}
