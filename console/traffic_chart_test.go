package console_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// TestTrafficChart reports calls for a ported order's numbers over two
// hours and checks the order page draws them: an SVG with a title and a
// description, one row per number, and a table with the same counts.
func TestTrafficChart(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustPorted(t, "+12125550123", "+12125550124")
	ctx := context.Background()
	acme := b.client(t)
	b.signIn(t, acme, acmeEmail)
	path := "/port-orders/" + o.ID
	if _, page := b.get(t, acme, path); strings.Contains(page, `id="traffic-chart"`) {
		t.Fatal("the page draws traffic before any call")
	}

	report := func(number string, outcomes ...porting.CallOutcome) {
		t.Helper()
		var rs []porting.CallRecord
		for _, out := range outcomes {
			rs = append(rs, porting.CallRecord{InstanceID: workflow.DemoInstanceID, PhoneNumber: number, Source: "edge", Outcome: out})
		}
		if _, err := b.svc.PortDay.ReportCalls(ctx, acmePrincipal, rs); err != nil {
			t.Fatal(err)
		}
	}
	report("+12125550123", porting.CallAnswered, porting.CallAnswered, porting.CallAnswered, porting.CallUnavailable)
	report("+12125550124", porting.CallAnswered)
	if _, err := b.svc.Sandbox.AdvanceClock(ctx, porting.Principal{Role: porting.RoleAdmin, KeyID: "test"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	report("+12125550124", porting.CallAnswered, porting.CallFailed)

	_, page := b.get(t, acme, path)
	for _, want := range []string{`id="traffic-chart" role="img" aria-labelledby="traffic-title traffic-desc"`, `<title id="traffic-title">Calls per hour since the port</title>`,
		`<desc id="traffic-desc">Bars for 2 numbers from `, `the tallest bar is 4 calls.</desc>`, `<caption id="traffic-caption">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %s", want)
		}
	}
	rows := regexp.MustCompile(`<tr><th scope="row">(\+\d+)</th><td>(\d+)</td><td>(\d+)</td>((?:<td>[^<]*</td>)*)</tr>`).FindAllStringSubmatch(page, -1)
	got := map[string]string{}
	for _, r := range rows {
		got[r[1]] = r[2] + "/" + r[3] + ":" + r[4]
	}
	want := map[string]string{
		"+12125550123": "4/3:<td>4 (3)</td><td>0 (0)</td>",
		"+12125550124": "3/2:<td>1 (1)</td><td>2 (1)</td>",
	}
	for n, w := range want {
		if got[n] != w {
			t.Errorf("table row of %s: %q, want %q", n, got[n], w)
		}
	}
	if n := len(regexp.MustCompile(`<rect [^>]*height="[1-9]\d*" fill="#1d4ed8"/>`).FindAllString(page, -1)); n != 3 {
		t.Errorf("%d answered bars, want 3", n)
	}
}
