package sim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/carrier/protocol"
	"github.com/portdesk/portdesk/signature"
)

func TestRunServesUntilStopped(t *testing.T) {
	secret, err := signature.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvSecret, secret)
	ctx, stop := context.WithCancel(t.Context())
	out, outW := io.Pipe()
	var stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"--addr", "127.0.0.1:0", "--answer-delay", "10ms", "--fault-5xx-first", "1"}, outW, &stderr)
		outW.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the listening line: %v (stderr: %s)", err, stderr.String())
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "carrier-sim listening on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line = %q", line)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()

	for _, want := range []int{http.StatusServiceUnavailable, http.StatusOK} {
		req, err := protocol.NewRequest(http.MethodPost, base+protocol.PathLookups, secret, time.Now(), []byte(`{"phone_numbers":["+16175550170"]}`))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var lr protocol.LookupResponse
		_ = json.NewDecoder(resp.Body).Decode(&lr)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("lookup status = %d, want %d", resp.StatusCode, want)
		}
		if want == http.StatusOK && (len(lr.Results) != 1 || lr.Results[0].Carrier != "Northwind Mobile") {
			t.Errorf("lookup = %+v", lr)
		}
	}
	stop()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d, stderr: %s", c, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	t.Setenv(EnvSecret, "")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"unknown flag", []string{"--nope"}, 2},
		{"stray argument", []string{"serve"}, 2},
		{"no secret", []string{"--addr", "127.0.0.1:0"}, 1},
		{"missing CSR file", []string{"--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--csr-file", "/nonexistent/csrs.json"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(t.Context(), tt.args, &stdout, &stderr); got != tt.want {
				t.Errorf("exit code %d, want %d (stderr: %s)", got, tt.want, stderr.String())
			}
			if stderr.Len() == 0 {
				t.Error("nothing on stderr")
			}
		})
	}
}
