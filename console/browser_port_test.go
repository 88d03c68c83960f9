package console_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// routingCaller answers test calls as the instance's edge would: 200 with
// the flow the desk routes the number to (PortDay.RouteCall, the router
// the SIP ingress uses), 404 for a number the desk does not route.
type routingCaller struct {
	mu    sync.Mutex
	svc   *workflow.Service
	calls []string
}

func (c *routingCaller) PlaceCall(ctx context.Context, target, e164 string) (porting.TestCallResult, error) {
	c.mu.Lock()
	c.calls = append(c.calls, e164)
	svc := c.svc
	c.mu.Unlock()
	route, err := svc.PortDay.RouteCall(ctx, e164)
	if err != nil || route.ContactFlowID == "" {
		return porting.TestCallResult{SIPStatus: 404}, nil
	}
	return porting.TestCallResult{SIPStatus: 200, ContactFlowID: route.ContactFlowID}, nil
}

// tour drives one browser through the console, screenshotting and
// checking with axe every page it shows, numbered in order.
type tour struct {
	t        *testing.T
	ctx      context.Context
	axe, dir string
	base     string
	n        int
}

// shot screenshots the current page and runs axe on it.
func (tr *tour) shot(name string) {
	tr.t.Helper()
	tr.n++
	checkPage(tr.t, tr.ctx, tr.axe, tr.dir, fmt.Sprintf("%02d-%s", tr.n, name))
}

// do runs actions and fails the test on error.
func (tr *tour) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	tr.t.Helper()
	if err := chromedp.Do(tr.ctx, actions...); err != nil {
		tr.t.Fatalf("%s: %v", what, err)
	}
}

// submit clicks a form's button and waits for the next page to load:
// the page is marked first, so the old page cannot pass for the new.
func submit(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.stale = "1"`),
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.WaitNotPresent(chromedp.CSS(`body[data-stale]`)),
		chromedp.WaitVisible(chromedp.CSS(`main`)),
	)
}

// signInAs signs out whoever is signed in and signs email in.
func (tr *tour) signInAs(email string) {
	tr.t.Helper()
	tr.do("sign out", chromedp.Navigate(tr.base+"/"), chromedp.WaitVisible(chromedp.CSS(`main`)))
	if n, _ := chromedp.Run(tr.ctx, chromedp.Evaluate[int](`document.querySelectorAll('form[action="/sign-out"]').length`)); n > 0 {
		tr.do("sign out", submit(`form[action="/sign-out"] button`))
	}
	tr.do("sign in as "+email, signInAction(tr.base, email))
}

// acceptInvitation opens the link of the invitation email to email, fills
// the accept form (a mismatched password first, shown next to its field)
// and lands on the sign-in page with its notice.
func (tr *tour) acceptInvitation(b *testBundle, email, name, password string) {
	tr.t.Helper()
	link := b.mail.lastLink(tr.t, email)
	if !strings.HasPrefix(link, tr.base+"/invitations/") {
		tr.t.Fatalf("invitation link %s, want %s/invitations/<token>", link, tr.base)
	}
	tr.do("open invitation", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`#accept-name`)))
	tr.shot("invitation")
	tr.do("accept, passwords differ", chromedp.SendKeys(chromedp.CSS(`#accept-name`), name),
		chromedp.SendKeys(chromedp.CSS(`#accept-password`), password), chromedp.SendKeys(chromedp.CSS(`#accept-password-again`), password+"x"),
		submit(`main form button[type=submit]`), chromedp.WaitVisible(chromedp.CSS(`#accept-password-again-error`)))
	tr.shot("invitation-refused")
	tr.do("accept", chromedp.SendKeys(chromedp.CSS(`#accept-password`), password), chromedp.SendKeys(chromedp.CSS(`#accept-password-again`), password),
		submit(`main form button[type=submit]`), chromedp.WaitVisible(chromedp.CSS(`main p.created`)), chromedp.WaitVisible(chromedp.CSS(`#signin-email`)))
	tr.shot("invitation-accepted")
}

// order opens the order page at an anchor.
func (tr *tour) order(id, anchor string) {
	tr.t.Helper()
	tr.do("open order", chromedp.Navigate(tr.base+"/port-orders/"+id+anchor), chromedp.WaitVisible(chromedp.CSS(`#actions-h`)))
}

// act submits an action's form on the order page.
func (tr *tour) act(a porting.Action) {
	tr.t.Helper()
	tr.do(string(a), submit(`form[action$="/actions/`+string(a)+`"] button[type=submit]`))
}

// wantStatus checks the order's status in the workflow and on the page.
func wantStatus(t *testing.T, b *testBundle, tr *tour, id string, want porting.State) {
	t.Helper()
	o, err := b.svc.Orders.GetPortOrder(context.Background(), specialist, id)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != want {
		main, _ := chromedp.Run(tr.ctx, chromedp.Text(chromedp.CSS(`main`)))
		t.Fatalf("page:\n%s\norder %s is %s, want %s; findings %+v", main, id, o.Status, want, o.Findings)
	}
	text, err := chromedp.Run(tr.ctx, chromedp.Text(chromedp.CSS(`.status`)))
	if err != nil {
		t.Fatal(err)
	}
	if label := translateEN("status." + string(want)); text != label {
		t.Fatalf("the page shows status %q, want %q", text, label)
	}
}

// translateEN is the English label of a status, as the page shows it.
func translateEN(key string) string {
	return map[string]string{
		"status.review": "In review", "status.awaiting_loa": "Awaiting LOA", "status.loa_review": "LOA in review",
		"status.submitted": "Submitted to carrier", "status.foc_confirmed": "Port date confirmed", "status.porting": "Porting",
		"status.ported": "Ported", "status.awaiting_verification": "Awaiting verification", "status.completed": "Completed",
	}[key]
}

// writePDF writes a small PDF for the upload form and returns its path.
func writePDF(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte("%PDF-1.4\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBrowserWholePort walks a sandbox port through the console from
// sign-in to completed, as the customer and as the porting team.
func TestBrowserWholePort(t *testing.T) {
	caller := &routingCaller{}
	// Jane of Acme is invited by the admin; she accepts in the browser.
	b := setupInviting(t, func(c *workflow.Config) { c.TestCaller, c.SIPIngressURI = caller, "sip:127.0.0.1:5060" }, acmeEmail)
	caller.mu.Lock()
	caller.svc = b.svc
	caller.mu.Unlock()
	axe := axeSource(t)
	tr := &tour{t: t, ctx: browser(t), axe: axe, dir: artifacts(t), base: b.srv.URL}
	ctx := context.Background()
	acme := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID, KeyID: "user_jane"}

	// The customer accepts her invitation from its email, then files a
	// premium request for two US numbers.
	tr.acceptInvitation(b, acmeEmail, "Jane Roe", testPassword)
	tr.do("home", chromedp.Navigate(tr.base+"/"), chromedp.WaitVisible(chromedp.CSS(`#signin-email`)))
	tr.shot("sign-in")
	tr.do("sign in", signInAction(tr.base, acmeEmail))
	tr.shot("customer-dashboard")
	tr.do("preview", chromedp.Navigate(tr.base+"/requests/new"),
		fillIntake("+1 212 555 0123\n+1 212 555 0124"), submit(`button[value=preview]`), chromedp.WaitVisible(chromedp.CSS(`#preview-h`)))
	tr.shot("request-preview")
	tr.do("file", submit(`button[value=file]`), chromedp.WaitVisible(chromedp.CSS(`#thread-h`)))
	tr.shot("port-request")
	list, err := b.svc.Orders.ListPortOrders(ctx, acme, workflow.PortOrderQuery{})
	if err != nil || len(list.Orders) != 1 || len(list.Orders[0].HeldNumbers()) != 2 {
		t.Fatalf("orders filed through the form: %+v %v", list, err)
	}
	id := list.Orders[0].ID
	tr.do("open order", submit(`a[href="/port-orders/`+id+`"]`), chromedp.WaitVisible(chromedp.CSS(`#actions-h`)))
	tr.shot("customer-order-review")
	wantStatus(t, b, tr, id, porting.StateReview)

	// The team approves and enters the CSR; a bad BTN comes back next to
	// its field.
	tr.signInAs(specialistEmail)
	tr.shot("team-dashboard")
	tr.order(id, "")
	tr.act(porting.ActionApprove)
	wantStatus(t, b, tr, id, porting.StateAwaitingLOA)
	tr.shot("team-order-approved")
	csr := map[string]string{
		"account-name": "Acme Support Ltd", "service-address-street": "1 Main St", "service-address-city": "New York",
		"service-address-region": "NY", "service-address-postal-code": "10001", "service-address-country": "US",
		"authorized-contact": "Jane Roe", "account-number": "A-1", "btn": "not a number",
		"phone-numbers": "+12125550123\n+12125550124",
	}
	for field, v := range csr {
		tr.do("csr "+field, chromedp.SetValue(chromedp.CSS(`#csr-csr-`+field), v))
	}
	tr.do("csr confirm", chromedp.Click(chromedp.CSS(`#csr-confirm-csr`)), submit(`form[action$="/csr"] button`),
		chromedp.WaitVisible(chromedp.CSS(`#csr-csr-btn-error`)))
	tr.shot("team-csr-refused")
	tr.do("csr fixed", chromedp.SetValue(chromedp.CSS(`#csr-csr-btn`), "+1 212 555 0123"), submit(`form[action$="/csr"] button`),
		chromedp.WaitVisible(chromedp.CSS(`#diff-h`)))
	tr.shot("team-csr-saved")
	if o, _ := b.svc.Orders.GetPortOrder(ctx, specialist, id); o.CSR == nil || o.CSR.ConfirmedAt == nil || o.CSR.BTN != "+12125550123" {
		t.Fatalf("CSR after the form: %+v", o.CSR)
	}

	// The customer fills the LOA: first with the name the CSR does not
	// show, which the diff lays beside the CSR's; then as the CSR shows it.
	tr.signInAs(acmeEmail)
	tr.order(id, "#loa")
	loa := map[string]string{
		"entity-name": "Acme Support", "service-address-street": "1 Main St", "service-address-city": "New York",
		"service-address-region": "NY", "service-address-postal-code": "10001", "service-address-country": "US",
		"authorized-person-name": "Jane Roe", "account-number": "A-1", "btn": "+12125550123", "signed-on": "2026-11-15",
	}
	for field, v := range loa {
		tr.do("loa "+field, chromedp.SetValue(chromedp.CSS(`#loa-`+field), v))
	}
	tr.do("save loa", submit(`form[action$="/loa"] button`), chromedp.WaitVisible(chromedp.CSS(`#diff-h`)))
	diff, err := chromedp.Run(tr.ctx, chromedp.Text(chromedp.CSS(`table.diff tbody`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(diff, "entity_name") || !strings.Contains(diff, "Acme Support Ltd") || !strings.Contains(diff, "ENTITY_NAME_MISMATCH") {
		t.Fatalf("the diff does not set the LOA's entity name beside the CSR's:\n%s", diff)
	}
	tr.shot("customer-loa-diff")
	tr.do("fix loa", chromedp.SetValue(chromedp.CSS(`#loa-entity-name`), "Acme Support Ltd"), submit(`form[action$="/loa"] button`),
		chromedp.WaitNotPresent(chromedp.CSS(`#diff-h`)))
	// The generated LOA and its attachment download from the page.
	for _, path := range []string{"loa.pdf", "loa-attachment.csv", "loa-attachment.xlsx"} {
		sel := `a[href="/port-orders/` + id + `/` + path + `"]`
		got, err := chromedp.Run(tr.ctx, chromedp.Evaluate[[]string](`fetch(document.querySelector('`+sel+`').href).then(r => [String(r.status), r.headers.get("content-type"), r.headers.get("content-disposition")])`, chromedp.EvalAwaitPromise))
		if err != nil || len(got) != 3 || got[0] != "200" || !strings.HasPrefix(got[2], "attachment") {
			t.Fatalf("download %s from the page: %v %v", path, got, err)
		}
	}
	for _, doc := range []struct{ typ, file string }{{"loa_signed", "signed-loa.pdf"}, {"invoice", "invoice.pdf"}} {
		tr.do("upload "+doc.typ, chromedp.SetValue(chromedp.CSS(`#doc-type`), doc.typ),
			chromedp.SetUploadFiles(chromedp.CSS(`#doc-file`), []string{writePDF(t, doc.file)}),
			submit(`form[action$="/documents"] button`), chromedp.WaitVisible(chromedp.CSS(`#documents a[href*="/documents/"]`)))
	}
	if docs, _ := b.svc.Documents.Documents(ctx, acme, id); len(docs) != 2 {
		t.Fatalf("documents after the uploads: %d, want 2", len(docs))
	}
	tr.shot("customer-loa-and-documents")
	tr.act(porting.ActionSubmitLOA)
	wantStatus(t, b, tr, id, porting.StateLOAReview)
	tr.shot("customer-loa-submitted")

	// The team approves the LOA, attesting a wet, legible signature, and
	// records the FOC the carrier gave: the first of the order's windows.
	tr.signInAs(specialistEmail)
	tr.order(id, "")
	tr.do("attestation", chromedp.SetValue(chromedp.CSS(`#act-approve-loa-attestation-signature`), "wet"),
		chromedp.Click(chromedp.CSS(`#act-approve_loa-legible`)))
	tr.shot("team-loa-review")
	tr.act(porting.ActionApproveLOA)
	wantStatus(t, b, tr, id, porting.StateSubmitted)
	slots, err := b.svc.Orders.FOCWindows(ctx, specialist, id, b.svc.Config.Clock.Now(), 3)
	if err != nil || len(slots) == 0 {
		t.Fatalf("FOC windows: %v %v", slots, err)
	}
	foc := slots[0].Start
	ny, _ := time.LoadLocation("America/New_York") // the request's zone: the form reads dates in it
	tr.do("foc", chromedp.SetValue(chromedp.CSS(`#act-record-foc-foc-at`), foc.In(ny).Format("2006-01-02T15:04")))
	tr.shot("team-submitted")
	tr.act(porting.ActionRecordFOC)
	wantStatus(t, b, tr, id, porting.StateFOCConfirmed)
	if o, _ := b.svc.Orders.GetPortOrder(ctx, specialist, id); o.FOCAt == nil || !o.FOCAt.Equal(foc) {
		t.Fatalf("FOC recorded %v, want %v", o.FOCAt, foc)
	}
	tr.shot("team-foc-confirmed")

	// The sandbox clock moves to the port: the numbers load, the port runs.
	admin := porting.Principal{Role: porting.RoleAdmin, KeyID: "test"}
	if _, err := b.svc.Sandbox.AdvanceClock(ctx, admin, foc.Sub(b.svc.Config.Clock.Now())+time.Minute); err != nil {
		t.Fatal(err)
	}
	// Days passed on the clock: the specialist's session idled out, as a
	// real session does, and the console asks for a sign-in again.
	tr.do("session idled out", chromedp.Navigate(tr.base+"/port-orders/"+id), chromedp.WaitVisible(chromedp.CSS(`#signin-email`)))
	tr.signInAs(specialistEmail)
	tr.order(id, "")
	wantStatus(t, b, tr, id, porting.StatePorting)
	tr.shot("team-porting")
	tr.act(porting.ActionRecordPorted)
	wantStatus(t, b, tr, id, porting.StatePorted)
	tr.shot("team-ported")

	// The customer gives each number the demo instance's flow, attests the
	// two items and places test calls.
	flows, err := b.svc.Instances.ContactFlows(ctx, acme, workflow.DemoInstanceID)
	if err != nil || len(flows) == 0 {
		t.Fatalf("demo flows: %v %v", flows, err)
	}
	flow := flows[0]
	tr.signInAs(acmeEmail)
	tr.order(id, "#portday")
	tr.shot("customer-port-day")
	tr.do("associate", chromedp.SetValue(chromedp.CSS(`#assoc-flow-0`), flow.ID), chromedp.SetValue(chromedp.CSS(`#assoc-flow-1`), flow.ID),
		submit(`form[action$="/associations"] button`))
	inv, err := b.svc.Instances.InstancePhoneNumbers(ctx, acme, workflow.DemoInstanceID)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range inv {
		if (n.PhoneNumber == "+12125550123" || n.PhoneNumber == "+12125550124") && n.ContactFlowID != flow.ID {
			t.Fatalf("%s has flow %q after the form, want %s", n.PhoneNumber, n.ContactFlowID, flow.ID)
		}
	}
	for _, item := range porting.AttestedItems {
		tr.do("attest "+string(item), chromedp.SetValue(chromedp.CSS(`#attest-`+strings.ReplaceAll(string(item), "_", "-")+`-note`), "done by the browser test"),
			submit(`form[action$="/checklist/`+string(item)+`"] button`))
	}
	if o, _ := b.svc.Orders.GetPortOrder(ctx, acme, id); len(o.Checklist) != 2 {
		t.Fatalf("attestations after the forms: %+v", o.Checklist)
	}
	tr.do("test calls", submit(`form[action$="/test-calls"] button`), chromedp.WaitVisible(chromedp.CSS(`table.testcalls`)))
	run, err := b.svc.PortDay.TestCalls(ctx, acme, id)
	if err != nil || run.Passed != 2 || run.Failed != 0 {
		t.Fatalf("test calls from the page: %+v %v", run, err)
	}
	tr.shot("customer-test-calls")

	// The instance's edge reports calls to both numbers: the order page
	// draws them as the traffic chart, with its table.
	var calls []porting.CallRecord
	for _, n := range []string{"+12125550123", "+12125550124", "+12125550124"} {
		calls = append(calls, porting.CallRecord{InstanceID: workflow.DemoInstanceID, PhoneNumber: n, Source: "edge", Outcome: porting.CallAnswered})
	}
	if _, err := b.svc.PortDay.ReportCalls(ctx, acme, calls); err != nil {
		t.Fatal(err)
	}
	// The browser is on this order already: a new fragment alone would not
	// load the page again.
	tr.order(id, "#traffic-h")
	tr.do("traffic chart", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#traffic-chart`)), chromedp.WaitVisible(chromedp.CSS(`#traffic-table`)))
	tr.shot("customer-traffic")

	// The team passes testing; the customer verifies.
	tr.signInAs(specialistEmail)
	tr.order(id, "")
	tr.act(porting.ActionPassTesting)
	wantStatus(t, b, tr, id, porting.StateAwaitingVerification)
	tr.shot("team-testing-passed")
	tr.signInAs(acmeEmail)
	tr.order(id, "")
	tr.act(porting.ActionVerify)
	wantStatus(t, b, tr, id, porting.StateCompleted)
	tr.shot("customer-completed")

	// The settings pages, as the customer and as the team.
	tr.settingsTour(b)
	t.Logf("%d pages in %s", tr.n, tr.dir)
}
