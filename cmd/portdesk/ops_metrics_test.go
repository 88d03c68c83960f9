package main

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"

	"github.com/portdesk/portdesk/porting"
)

// deployDir holds the dashboard and the alert rules, from cmd/portdesk.
const deployDir = "../../deploy"

// metricName finds portdesk's metric names in a PromQL expression.
var metricName = regexp.MustCompile(`\bportdesk_[a-z0-9_]+\b`)

// deployQueries returns every PromQL expression of the alert rules and of
// the dashboard's panels, parsed from the files: what an operator's
// Prometheus and Grafana will ask for.
func deployQueries(t *testing.T) (alerts, dashboard []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &rules); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Expr)
		}
	}
	if b, err = os.ReadFile(filepath.Join(deployDir, "grafana", "portdesk.json")); err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("portdesk.json: %v", err)
	}
	for _, p := range dash.Panels {
		for _, q := range p.Targets {
			dashboard = append(dashboard, q.Expr)
		}
	}
	if len(alerts) < 7 || len(dashboard) < 10 {
		t.Fatalf("%d alert rules and %d dashboard queries read: the files did not parse as expected", len(alerts), len(dashboard))
	}
	return alerts, dashboard
}

// needPromtool returns promtool's path, or "" (and says so) when it is not
// installed; under CI a missing promtool fails the test.
func needPromtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool is not installed (Debian package prometheus); CI requires it")
		}
		t.Log("promtool is not installed: the exposition and the dashboard's PromQL are not linted")
		return ""
	}
	return p
}

// scrape is one parsed /metrics answer and its text.
type scrape struct {
	text     string
	families map[string]*dto.MetricFamily
}

func scrapeMetrics(t *testing.T, url string) scrape {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d %v", resp.StatusCode, err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return scrape{text: string(b), families: fams}
}

// names returns the sample names exposed (histograms with their suffixes).
func (s scrape) names() map[string]bool {
	out := map[string]bool{}
	for name, f := range s.families {
		out[name] = true
		switch f.GetType() {
		case dto.MetricType_HISTOGRAM:
			out[name+"_bucket"], out[name+"_sum"], out[name+"_count"] = true, true, true
		case dto.MetricType_SUMMARY:
			out[name+"_sum"], out[name+"_count"] = true, true
		}
	}
	return out
}

// value returns the value of name's series with exactly labels, and
// whether it is there.
func (s scrape) value(name string, labels map[string]string) (float64, bool) {
	f := s.families[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if len(got) != len(labels) {
			continue
		}
		match := true
		for k, v := range labels {
			match = match && got[k] == v
		}
		if !match {
			continue
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func (s scrape) want(t *testing.T, name string, labels map[string]string, want float64) {
	t.Helper()
	got, ok := s.value(name, labels)
	if !ok {
		t.Errorf("%s%v is not exposed (want %v)", name, labels, want)
	} else if math.Abs(got-want) > 1e-6 {
		t.Errorf("%s%v = %v, want %v", name, labels, got, want)
	}
}

// opsServer is testServerWith on a clock standing still at start, so the
// ages the metrics give can be checked to the second: the sandbox clock
// runs over it and moves only when told. A sweep runs at start and not
// again within the test; failed webhooks and carrier calls wait an hour
// before their retry; every scrape reads the database.
func opsServer(t *testing.T, databaseURL string, start time.Time) (*Main, *client) {
	t.Helper()
	m := NewMain(io.Discard, io.Discard)
	if testing.Verbose() {
		m.stderr = os.Stderr
	}
	m.Clock = porting.NewFixedClock(start)
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: databaseURL, AdminToken: testAdminToken, LogLevel: "warn",
		Sandbox: true, SweepInterval: time.Hour, RetryBase: time.Hour, MetricsCache: -1, WebhookAllowPrivate: true, SIPAddr: "127.0.0.1:0"}
	if databaseURL != "" {
		m.Config.SecretKey = testSecretKey
	}
	if err := m.Open(context.Background()); err != nil {
		m.Close()
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, &client{t: t, base: m.URL()}
}

// TestOperatorMetrics is issue 15's metrics item: a real server with
// orders in several states, a failing webhook endpoint, a carrier that
// does not answer, an attention flag and, once the clock moves, overdue
// deadlines exposes every metric the alert rules and the dashboard ask for
// (the files parsed are the oracle of the names), with the values the API
// shows; promtool lints the exposition and the dashboard's PromQL.
func TestOperatorMetrics(t *testing.T) {
	alerts, dashboard := deployQueries(t)
	promtool := needPromtool(t)
	if promtool != "" {
		checkDashboardQueries(t, promtool, dashboard)
	}
	forEachEngine(t, func(t *testing.T, dbURL string) {
		start := time.Date(2027, 3, 2, 14, 0, 0, 0, time.UTC) // a Tuesday afternoon
		m, c := opsServer(t, dbURL, start)
		const cust, spec = "pd_sandbox_acme", "pd_sandbox_specialist"

		// The sweep run at start is recorded on the desk's clock.
		var s scrape
		eventually(t, "the start-up sweep recorded", func() bool {
			s = scrapeMetrics(t, m.URL())
			_, ok := s.value("portdesk_deadline_sweep_last_completed_timestamp_seconds", nil)
			return ok
		})
		s.want(t, "portdesk_deadline_sweep_last_completed_timestamp_seconds", nil, float64(start.Unix()))

		// Orders in several states: review, awaiting_loa, cancelled (not
		// counted), and submitted to a carrier that does not answer.
		file := func(number string) string {
			return str(t, c.must(http.StatusCreated, "POST", "/v1/port-requests", cust, premiumRequest("inst_demo_acme", number)), "port_orders", 0, "id")
		}
		review := file("+12125550123")
		waiting := file("+12125550124")
		c.must(http.StatusOK, "POST", "/v1/port-orders/"+waiting+"/actions/approve", spec, nil)
		gone := file("+12125550125")
		c.must(http.StatusOK, "POST", "/v1/port-orders/"+gone+"/actions/cancel", cust, map[string]any{"reason": "not now"})

		carrierID := simEntry(t, c, "http://"+freeAddr(t), newSecret(t))
		csr := map[string]any{"account_name": simEntity, "authorized_contact": "Jane Doe", "btn": "+13125550140",
			"account_number": simAccount, "phone_numbers": simNumbers,
			"service_address": map[string]any{"street": "100 Main Street", "city": "Chicago", "region": "IL", "postal_code": "60601", "country": "US"}}
		submitted := simOrderAs(t, c, "simtel communications", simEntity, csr)
		c.must(http.StatusOK, "POST", submitted+"/actions/approve_loa", spec, attested)
		failedSubmissions := func() int {
			n := 0
			for _, a := range timeline(t, c, submitted, "port_order.carrier_submission") {
				if a["outcome"] == "failed" {
					n++
				}
			}
			return n
		}
		eventually(t, "a failed submission on the timeline", func() bool { return failedSubmissions() >= 1 })

		// A webhook endpoint that refuses everything: two deliveries fail
		// their first attempt and wait an hour for the next.
		h := startHook(t)
		h.setDown(true)
		w := c.must(http.StatusCreated, "POST", "/v1/webhook-endpoints", cust, map[string]any{"url": h.srv.URL, "event_types": []string{"port_request.message_created"}})
		reviewReq := str(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+review, cust, nil), "port_request_id")
		for _, body := range []string{"first", "second"} {
			c.must(http.StatusCreated, "POST", "/v1/port-requests/"+reviewReq+"/messages", cust, map[string]any{"body": body})
		}
		deliveries := func() []any {
			return list(t, c.must(http.StatusOK, "GET", "/v1/webhook-endpoints/"+str(t, w, "id")+"/deliveries", cust, nil), "data")
		}
		eventually(t, "both deliveries refused once", func() bool {
			n := 0
			for _, d := range deliveries() {
				if d.(map[string]any)["attempts"].(float64) >= 1 {
					n++
				}
			}
			return n == 2
		})
		// One of them given up: what the last attempt does, written
		// directly (reaching the last attempt takes hours of retries).
		giveUp := str(t, deliveries()[0], "id")
		if _, err := m.DB.SQL().Exec(`UPDATE webhook_deliveries SET state = 'failed' WHERE id = $1`, giveUp); err != nil {
			t.Fatal(err)
		}
		// An attention flag, as a failed load_numbers deadline raises it.
		flag := `[{"code":"deadline_failed","deadline_kind":"load_numbers","message":"no instance","since":"2027-03-02T14:00:00Z"}]`
		if _, err := m.DB.SQL().Exec(`UPDATE port_orders SET attention = $1 WHERE id = $2`, flag, waiting); err != nil {
			t.Fatal(err)
		}

		s = scrapeMetrics(t, m.URL())
		exposed := s.names()
		for _, q := range append(append([]string{}, alerts...), dashboard...) {
			for _, name := range metricName.FindAllString(q, -1) {
				if !exposed[name] {
					t.Errorf("%s, used in %q, is not exposed", name, q)
				}
			}
		}

		// Orders: the API's list is the oracle.
		byStatus := map[string]int{}
		for _, o := range pageThrough(t, c, spec, "/v1/port-orders?", 100) {
			if o["waiting_on"] != string(porting.State(str(t, o, "status")).WaitingOn()) {
				t.Errorf("order %s: waiting_on %v in state %v", o["id"], o["waiting_on"], o["status"])
			}
			byStatus[str(t, o, "status")]++
		}
		if byStatus["review"] == 0 || byStatus["awaiting_loa"] == 0 || byStatus["submitted"] == 0 || byStatus["cancelled"] == 0 {
			t.Fatalf("orders by status %v: the setup did not reach its states", byStatus)
		}
		for _, st := range porting.States {
			labels := map[string]string{"status": string(st), "waiting_on": string(st.WaitingOn())}
			if !st.Active() {
				if _, ok := s.value("portdesk_port_orders", labels); ok {
					t.Errorf("terminal status %s is exposed", st)
				}
				continue
			}
			s.want(t, "portdesk_port_orders", labels, float64(byStatus[string(st)]))
		}
		s.want(t, "portdesk_attention_flags", map[string]string{"code": "deadline_failed", "deadline_kind": "load_numbers"}, 1)
		if o := c.must(http.StatusOK, "GET", "/v1/port-orders/"+waiting, spec, nil); len(o["attention"].([]any)) != 1 {
			t.Errorf("the API shows attention %v, want the one flag", o["attention"])
		}

		// Webhooks: the receiver's refusals and the API's deliveries.
		h.mu.Lock()
		refused := h.refused
		h.mu.Unlock()
		s.want(t, "portdesk_webhook_attempts_total", map[string]string{"outcome": "failed"}, float64(refused))
		s.want(t, "portdesk_webhook_attempts_total", map[string]string{"outcome": "delivered"}, 0)
		states := map[string]int{}
		for _, d := range deliveries() {
			states[str(t, d, "state")]++
		}
		if states["pending"] != 1 || states["failed"] != 1 {
			t.Fatalf("deliveries by state %v, want one pending and one failed", states)
		}
		s.want(t, "portdesk_webhook_deliveries_retrying", nil, float64(states["pending"]))
		s.want(t, "portdesk_webhook_deliveries_given_up", nil, float64(states["failed"]))
		s.want(t, "portdesk_webhook_endpoints_disabled", nil, 0)

		// Carrier: the timeline's failed submissions.
		gw := map[string]string{"carrier": carrierID, "gateway": "http", "operation": "submit"}
		s.want(t, "portdesk_carrier_gateway_errors_total", gw, float64(failedSubmissions()))
		s.want(t, "portdesk_carrier_gateway_calls_total", gw, float64(failedSubmissions()))

		s.want(t, "portdesk_deadlines_overdue", nil, 0)
		s.want(t, "portdesk_deadlines_overdue_oldest_age_seconds", nil, 0)
		s.want(t, "portdesk_metrics_scrape_success", nil, 1)
		s.want(t, "portdesk_metrics_scrape_errors_total", nil, 0)
		if promtool != "" {
			lintExposition(t, promtool, s.text)
		}

		// 24 days on, without a sweep: the respond reminder due on day 23
		// is overdue, and the last sweep is 24 days old.
		if _, err := m.Service.SandboxClock.AdvanceClock(context.Background(), 24*24*time.Hour); err != nil {
			t.Fatal(err)
		}
		now := sandboxNow(t, c)
		overdue, oldest := 0, now
		for _, o := range pageThrough(t, c, spec, "/v1/port-orders?", 100) {
			for _, d := range list(t, c.must(http.StatusOK, "GET", "/v1/port-orders/"+str(t, o, "id")+"/deadlines", spec, nil), "data") {
				due, err := time.Parse(time.RFC3339Nano, str(t, d, "due_at"))
				if err != nil {
					t.Fatal(err)
				}
				if str(t, d, "state") == "pending" && !due.After(now) {
					overdue++
					if due.Before(oldest) {
						oldest = due
					}
				}
			}
		}
		if overdue == 0 {
			t.Fatal("no deadline is overdue 24 days on: the setup planned none")
		}
		s = scrapeMetrics(t, m.URL())
		s.want(t, "portdesk_deadlines_overdue", nil, float64(overdue))
		s.want(t, "portdesk_deadlines_overdue_oldest_age_seconds", nil, now.Sub(oldest).Seconds())
		s.want(t, "portdesk_deadline_sweep_age_seconds", nil, now.Sub(start).Seconds())
		s.want(t, "portdesk_deadline_sweep_last_completed_timestamp_seconds", nil, float64(start.Unix()))
		s.want(t, "portdesk_webhook_deliveries_given_up", nil, 0) // given up 24 days ago, not within the day
		t.Logf("%d orders by status %v; %d overdue, oldest %v; %d webhook attempts refused; %d failed submissions",
			len(byStatus), byStatus, overdue, now.Sub(oldest), refused, failedSubmissions())
	})
}

// lintExposition runs promtool check metrics on a scrape's text.
func lintExposition(t *testing.T, promtool, text string) {
	t.Helper()
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// checkDashboardQueries has promtool parse every dashboard query, as
// recording rules of a throwaway rules file.
func checkDashboardQueries(t *testing.T, promtool string, queries []string) {
	t.Helper()
	type rule struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	var rules []rule
	for _, q := range queries {
		rules = append(rules, rule{Record: "portdesk:dashboard_query", Expr: q})
	}
	b, err := yaml.Marshal(map[string]any{"groups": []any{map[string]any{"name": "dashboard", "rules": rules}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dashboard_rules.yml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput(); err != nil {
		t.Errorf("the dashboard's queries do not parse: %v\n%s", err, out)
	}
}
