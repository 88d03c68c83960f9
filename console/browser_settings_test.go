package console_test

import (
	"context"
	"strings"

	"github.com/chromedp/chromedp"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// settingsTour visits the settings pages as the customer and then as the
// team, with a screenshot and axe on each: webhooks (a refused URL next
// to its field), API keys (a new key shown once), instances and the demo
// instance's quotas (a quota request the team then sees with its
// decision forms).
func (tr *tour) settingsTour(b *testBundle) {
	t := tr.t
	t.Helper()
	quotas := "/instances/" + workflow.DemoInstanceID + "/quotas"
	tr.signInAs(acmeEmail)
	tr.do("webhooks", chromedp.Navigate(tr.base+"/settings/webhooks"), chromedp.WaitVisible(chromedp.CSS(`#webhook-url`)))
	tr.shot("customer-webhooks")
	tr.do("webhook refused", chromedp.SetValue(chromedp.CSS(`#webhook-url`), "not a url"),
		submit(`form[action="/settings/webhooks"] button`), chromedp.WaitVisible(chromedp.CSS(`#webhook-url-error`)))
	tr.shot("customer-webhook-refused")
	tr.do("api keys", chromedp.Navigate(tr.base+"/settings/api-keys"), chromedp.WaitVisible(chromedp.CSS(`form[action="/settings/api-keys"]`)))
	tr.shot("customer-api-keys")
	tr.do("create api key", submit(`form[action="/settings/api-keys"] button`), chromedp.WaitVisible(chromedp.CSS(`#created-h`)))
	tr.shot("customer-api-key-created")
	tr.do("instances", chromedp.Navigate(tr.base+"/instances"), chromedp.WaitVisible(chromedp.CSS(`main`)))
	tr.shot("customer-instances")
	tr.do("quotas", submit(`a[href="`+quotas+`"]`), chromedp.WaitVisible(chromedp.CSS(`#quota-reason`)))
	tr.shot("customer-quotas")
	tr.do("ask for a quota", chromedp.SetValue(chromedp.CSS(`#quota-quota`), string(porting.QuotaPhoneNumbers)),
		chromedp.SetValue(chromedp.CSS(`#quota-value`), "50"), chromedp.SetValue(chromedp.CSS(`#quota-reason`), "A second contact centre opens in March."),
		submit(`form[action$="/quota-requests"] button`), chromedp.WaitVisible(chromedp.CSS(`#requests-h`)))
	acme := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID}
	q, err := b.svc.Instances.Quotas(context.Background(), acme, workflow.DemoInstanceID)
	if err != nil || len(q.OpenRequests) != 1 {
		t.Fatalf("open quota requests after the form: %+v %v", q, err)
	}
	tr.shot("customer-quota-requested")
	tr.do("users", chromedp.Navigate(tr.base+"/settings/users"), chromedp.WaitVisible(chromedp.CSS(`#invite-email`)))
	tr.shot("customer-users")
	tr.do("invite a colleague", chromedp.SetValue(chromedp.CSS(`#invite-email`), "kim@acme.example"),
		chromedp.SetValue(chromedp.CSS(`#invite-language`), "es"),
		submit(`form[action="/settings/users"] button`), chromedp.WaitVisible(chromedp.CSS(`#invited-h`)))
	tr.shot("customer-user-invited")
	b.deliverEmails(t)
	if got := b.mail.to("kim@acme.example"); len(got) != 1 || !strings.Contains(got[0].Text, tr.base+"/invitations/pdi_") {
		t.Fatalf("the colleague's invitation email: %+v", got)
	}

	tr.signInAs(specialistEmail)
	tr.do("team webhooks", chromedp.Navigate(tr.base+"/settings/webhooks"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	tr.shot("team-webhooks")
	tr.do("team api keys", chromedp.Navigate(tr.base+"/settings/api-keys"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	tr.shot("team-api-keys")
	tr.do("team instances", chromedp.Navigate(tr.base+"/instances"), chromedp.WaitVisible(chromedp.CSS(`a[href="`+quotas+`"]`)))
	tr.shot("team-instances")
	tr.do("team quotas", submit(`a[href="`+quotas+`"]`),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/quota-requests/`+q.OpenRequests[0].ID+`/approve"]`)))
	tr.shot("team-quotas")
	flows := "/instances/" + workflow.DemoInstanceID + "/associations"
	tr.do("team flows", chromedp.Navigate(tr.base+"/instances"), submit(`a[href="`+flows+`"]`), chromedp.WaitVisible(chromedp.CSS(`#bulk-lines`)))
	tr.shot("team-bulk-flows")
	tr.do("refused flow line", chromedp.SetValue(chromedp.CSS(`#bulk-lines`), "+19995550100"),
		submit(`form[action="`+flows+`"] button`), chromedp.WaitVisible(chromedp.CSS(`#bulk-lines-error`)))
	tr.shot("team-bulk-flows-refused")

	tr.signInAs(adminEmail)
	tr.do("admin users", chromedp.Navigate(tr.base+"/settings/users"), chromedp.WaitVisible(chromedp.CSS(`#invite-role`)))
	tr.shot("admin-users")
}
