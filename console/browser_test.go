package console_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// axeVersion is the axe-core release the tests inject (npm), as .ci/run
// installs it under console/testdata.
const axeVersion = "4.14.1"

// needTool skips a browser test when a tool is missing, except under CI,
// where .ci/run installs it and its absence is a failure.
func needTool(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s: %v", what, err)
	}
	t.Skipf("%s: %v", what, err)
}

// browser starts Debian's headless Chromium and returns a tab context.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	needTool(t, "chromium (apt-get install chromium)", err)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000),
		// The viewer sits in New York, the zone of the requests the tests
		// file: console.js remembers the browser's zone and pages show
		// times in it.
		chromedp.Env("TZ=America/New_York"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	// The console's CSP allows only its own scripts; the test injects axe.
	bypass := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
		return err
	})
	if err := chromedp.Do(ctx, bypass); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// axeSource reads axe-core from console/testdata/node_modules (or the
// directory in PORTDESK_AXE_DIR).
func axeSource(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PORTDESK_AXE_DIR")
	if dir == "" {
		dir = filepath.Join("testdata", "node_modules", "axe-core")
	}
	b, err := os.ReadFile(filepath.Join(dir, "axe.min.js"))
	needTool(t, "axe-core (npm install --prefix console/testdata --no-save axe-core@"+axeVersion+")", err)
	return string(b)
}

// artifacts is the directory screenshots go to.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PORTDESK_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, "console", t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// violation is what the test keeps of an axe violation.
type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeResult is what the test keeps of an axe run.
type axeResult struct {
	Passes     int         `json:"passes"`
	Violations []violation `json:"violations"`
}

// checkPage screenshots the current page as name.png and fails on any
// serious or critical axe-core violation.
func checkPage(t *testing.T, ctx context.Context, axe, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if axe == "" {
		return
	}
	const run = `axe.run(document).then(r => ({passes: r.passes.length, violations: r.violations
		.filter(v => v.impact === "serious" || v.impact === "critical")
		.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))}))`
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("%s: inject axe: %v", name, err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](run, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: axe: %v", name, err)
	}
	if res.Passes == 0 {
		t.Fatalf("%s: axe checked nothing", name)
	}
	for _, v := range res.Violations {
		t.Errorf("%s: axe %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
	}
}

// signInAction fills and posts the sign-in form with testPassword.
func signInAction(base, email string) chromedp.Action[chromedp.Void] {
	return signInWith(base, email, testPassword)
}

// signInWith fills and posts the sign-in form.
func signInWith(base, email, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/sign-in"),
		chromedp.WaitVisible(chromedp.CSS(`#signin-email`)),
		chromedp.SendKeys(chromedp.CSS(`#signin-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#signin-password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/sign-in"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/sign-out"]`)),
	)
}

// fillIntake fills the intake form for Acme (premium).
func fillIntake(numbers string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(`#request-phone-numbers`)),
		chromedp.SetValue(chromedp.CSS(`#request-phone-numbers`), numbers),
		chromedp.SetValue(chromedp.CSS(`#request-current-carrier`), "Old Telco"),
		chromedp.SetValue(chromedp.CSS(`#request-subject`), "Move our lines"),
		chromedp.SetValue(chromedp.CSS(`#request-authorized-contact-name`), "Jane Roe"),
		chromedp.SetValue(chromedp.CSS(`#request-contact-preferences-time-zone`), "America/New_York"),
	)
}

func TestBrowserCustomerAndTeam(t *testing.T) {
	b := setup(t)
	axe := axeSource(t)
	ctx := browser(t)
	dir := artifacts(t)
	base := b.srv.URL

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`#signin-email`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "01-sign-in")
	// A wrong password shows its error next to the field.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#signin-email`), acmeEmail),
		chromedp.SendKeys(chromedp.CSS(`#signin-password`), "wrong"),
		chromedp.Click(chromedp.CSS(`form[action="/sign-in"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#signin-password-error`)),
	); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "02-sign-in-refused")

	if err := chromedp.Do(ctx, signInAction(base, acmeEmail)); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "03-dashboard-empty")

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/requests/new"]`)),
		fillIntake("+1 212 555 0123\n+1 212 555 0124\n+1 900 555 0199\n12345"),
		chromedp.Click(chromedp.CSS(`button[value=preview]`)),
		chromedp.WaitVisible(chromedp.CSS(`#preview-h`)),
	); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "04-request-preview")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[value=file]`)),
		chromedp.WaitVisible(chromedp.CSS(`#thread-h`)),
	); err != nil {
		t.Fatal(err)
	}
	requestURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "05-port-request")
	if !strings.Contains(requestURL, "/port-requests/") {
		t.Fatalf("after filing the browser is at %s", requestURL)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#msg-body`), "When can we port?"),
		chromedp.Click(chromedp.CSS(`form[action$="/messages"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.thread`)),
		chromedp.Click(chromedp.CSS(`a[href^="/port-orders/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#loa-h`)),
	); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "06-order-review")

	acme := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID}
	page, err := b.svc.Orders.ListPortOrders(context.Background(), acme, workflow.PortOrderQuery{})
	if err != nil || len(page.Orders) != 1 {
		t.Fatalf("orders filed through the form: %v %v", page, err)
	}
	o := page.Orders[0]

	// The team: the queue, then approve the order from its page.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/sign-out"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#signin-email`)),
		signInAction(base, specialistEmail),
		chromedp.Navigate(base+"/?waiting_on=team"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/port-orders/`+o.ID+`"]`)),
	); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "07-team-queue")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/port-orders/`+o.ID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#actions-h`)),
	); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "08-team-order")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/actions/approve"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/actions/approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#actions-h`)),
	); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.svc.Orders.GetPortOrder(context.Background(), specialist, o.ID); got.Status != porting.StateAwaitingLOA {
		t.Fatalf("status after approve in the browser = %s", got.Status)
	}

	// The customer fills the LOA; a bad date comes back next to its field.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/sign-out"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#signin-email`)),
		signInAction(base, acmeEmail),
		chromedp.Navigate(base+"/port-orders/"+o.ID),
		chromedp.WaitVisible(chromedp.CSS(`#loa-entity-name`)),
		chromedp.SetValue(chromedp.CSS(`#loa-entity-name`), "Acme Support Ltd"),
		chromedp.SetValue(chromedp.CSS(`#loa-service-address-street`), "1 Main St"),
		chromedp.SetValue(chromedp.CSS(`#loa-signed-on`), "1999-01-01"),
		chromedp.Click(chromedp.CSS(`form[action$="/loa"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#loa-signed-on-error`)),
	); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "09-order-loa-refused")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#loa-signed-on`), "2026-11-15"),
		chromedp.Click(chromedp.CSS(`form[action$="/loa"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#loa-signed-on-error`)),
		chromedp.WaitVisible(chromedp.CSS(`#loa-h`)),
	); err != nil {
		t.Fatal(err)
	}
	pageText, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, axe, dir, "10-order-loa-saved")
	if got, _ := b.svc.Orders.GetPortOrder(context.Background(), specialist, o.ID); got.LOA == nil || got.LOA.EntityName != "Acme Support Ltd" {
		t.Fatalf("LOA after the browser saved it: %+v", got.LOA)
	}
	if !strings.Contains(pageText, "EST") && !strings.Contains(pageText, "EDT") {
		t.Error("the order page does not show times in the request's zone (America/New_York)")
	}
	t.Logf("screenshots in %s", dir)
}

func TestBrowserJavaScriptOff(t *testing.T) {
	b := setup(t)
	ctx := browser(t)
	dir := artifacts(t)
	base := b.srv.URL
	noScripts := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	if err := chromedp.Do(ctx, noScripts); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		signInAction(base, acmeEmail),
		chromedp.Navigate(base+"/requests/new"),
		fillIntake("+1 212 555 0123"),
		chromedp.Click(chromedp.CSS(`button[value=file]`)),
		chromedp.WaitVisible(chromedp.CSS(`#thread-h`)),
	); err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, "", dir, "01-request-filed-js-off")
	if !strings.Contains(loc, "/port-requests/") {
		t.Fatalf("after filing with scripts off the browser is at %s", loc)
	}
	acme := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID}
	page, err := b.svc.Orders.ListPortOrders(context.Background(), acme, workflow.PortOrderQuery{})
	if err != nil || len(page.Orders) != 1 {
		t.Fatalf("orders filed with scripts off: %v", err)
	}
	o := page.Orders[0]
	if _, err := b.svc.Orders.Act(context.Background(), specialist, o.ID, porting.ActionApprove, workflow.ActionInput{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/port-orders/"+o.ID),
		chromedp.WaitVisible(chromedp.CSS(`#loa-entity-name`)),
		chromedp.SetValue(chromedp.CSS(`#loa-entity-name`), "Acme Support Ltd"),
		chromedp.Click(chromedp.CSS(`form[action$="/loa"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#loa-h`)),
	); err != nil {
		t.Fatal(err)
	}
	// The page before and after the post look alike: wait on the order.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		got, _ := b.svc.Orders.GetPortOrder(context.Background(), specialist, o.ID)
		if got.LOA != nil && got.LOA.EntityName == "Acme Support Ltd" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("LOA not saved with scripts off: %+v", got.LOA)
		}
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#loa-h`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ctx, "", dir, "02-loa-saved-js-off")
}

// TestBrowserPasswordReset: a customer who forgot the password asks for a
// link on the sign-in page, opens it from the email, sets a new password
// (a mismatch first, shown next to its field) and signs in with it.
func TestBrowserPasswordReset(t *testing.T) {
	b := setup(t)
	tr := &tour{t: t, ctx: browser(t), axe: axeSource(t), dir: artifacts(t), base: b.srv.URL}
	const newPassword = "a fresh Password 2026"
	tr.do("forgot", chromedp.Navigate(tr.base+"/sign-in"), chromedp.WaitVisible(chromedp.CSS(`a[href="/password-reset"]`)),
		submit(`a[href="/password-reset"]`), chromedp.WaitVisible(chromedp.CSS(`#reset-email`)))
	tr.shot("reset-request")
	tr.do("ask", chromedp.SendKeys(chromedp.CSS(`#reset-email`), bakeryEmail), submit(`form[action="/password-reset"] button`),
		chromedp.WaitVisible(chromedp.CSS(`main p.created`)))
	tr.shot("reset-sent")
	b.deliverEmails(t)
	link := b.mail.lastLink(t, bakeryEmail)
	tr.do("open link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`#newpw-password`)))
	tr.shot("reset-form")
	tr.do("mismatch", chromedp.SendKeys(chromedp.CSS(`#newpw-password`), newPassword), chromedp.SendKeys(chromedp.CSS(`#newpw-password-again`), "something else 1"),
		submit(`main form button[type=submit]`), chromedp.WaitVisible(chromedp.CSS(`#newpw-password-again-error`)))
	tr.shot("reset-refused")
	tr.do("set", chromedp.SendKeys(chromedp.CSS(`#newpw-password`), newPassword), chromedp.SendKeys(chromedp.CSS(`#newpw-password-again`), newPassword),
		submit(`main form button[type=submit]`), chromedp.WaitVisible(chromedp.CSS(`main p.created`)))
	tr.shot("reset-done")
	tr.do("sign in with the new password", signInWith(tr.base, bakeryEmail, newPassword))
	tr.shot("reset-signed-in")
	tr.do("link again", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`a[href="/password-reset"]`)))
	tr.shot("reset-link-used")
}
