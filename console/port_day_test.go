package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

var acmePrincipal = porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID, KeyID: "user_jane"}

// csrValues is a valid CSR form for the numbers of mustFile.
func csrValues(nums ...string) url.Values {
	return url.Values{"csr.account_name": {"Acme Support Ltd"}, "csr.service_address.street": {"1 Main St"},
		"csr.service_address.city": {"New York"}, "csr.service_address.region": {"NY"}, "csr.service_address.postal_code": {"10001"},
		"csr.service_address.country": {"US"}, "csr.authorized_contact": {"Jane Roe"}, "csr.account_number": {"A-1"},
		"csr.btn": {nums[0]}, "csr.phone_numbers": {strings.Join(nums, "\n")}, "confirm_csr": {"on"}}
}

// mustAct takes an action through the workflow.
func (b *testBundle) mustAct(t *testing.T, p porting.Principal, id string, a porting.Action, in workflow.ActionInput) *porting.PortOrder {
	t.Helper()
	o, err := b.svc.Orders.Act(context.Background(), p, id, a, in)
	if err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	return o
}

// mustPorted walks an order of the given numbers to ported through the
// workflow: approved, CSR and LOA alike, documents, FOC on the first
// window, the clock at the FOC, the carrier's confirmation.
func (b *testBundle) mustPorted(t *testing.T, nums ...string) *porting.PortOrder {
	t.Helper()
	ctx := context.Background()
	o := b.mustFile(t, nums...)
	b.mustAct(t, specialist, o.ID, porting.ActionApprove, workflow.ActionInput{})
	addr := porting.Address{Street: "1 Main St", City: "New York", Region: "NY", PostalCode: "10001", Country: "US"}
	csr := porting.CSR{AccountName: "Acme", ServiceAddress: addr, AuthorizedContact: "Jane Roe", BTN: nums[0], AccountNumber: "A-1", PhoneNumbers: nums}
	today := porting.DateOf(b.svc.Config.Clock.Now())
	loa := porting.LOAData{EntityName: "Acme", ServiceAddress: addr, AuthorizedPerson: porting.LOAPerson{Name: "Jane Roe"}, AccountNumber: "A-1", BTN: nums[0], SignedOn: &today}
	if _, err := b.svc.Orders.UpdatePortOrder(ctx, specialist, o.ID, workflow.UpdatePortOrderParams{CSR: &csr, ConfirmCSR: true, LOA: &loa}); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []porting.DocumentType{porting.DocLOASigned, porting.DocInvoice} {
		if _, err := b.svc.Documents.UploadDocument(ctx, acmePrincipal, o.ID, workflow.UploadParams{Type: typ, Filename: "x.pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}); err != nil {
			t.Fatal(err)
		}
	}
	yes := true
	b.mustAct(t, acmePrincipal, o.ID, porting.ActionSubmitLOA, workflow.ActionInput{})
	b.mustAct(t, specialist, o.ID, porting.ActionApproveLOA, workflow.ActionInput{Attestation: &workflow.AttestationInput{Signature: porting.SignatureWet, Legible: &yes}})
	slots, err := b.svc.Orders.FOCWindows(ctx, specialist, o.ID, b.svc.Config.Clock.Now(), 1)
	if err != nil || len(slots) == 0 {
		t.Fatalf("FOC windows: %v %v", slots, err)
	}
	foc := slots[0].Start
	b.mustAct(t, specialist, o.ID, porting.ActionRecordFOC, workflow.ActionInput{FOCAt: &foc})
	if _, err := b.svc.Sandbox.AdvanceClock(ctx, porting.Principal{Role: porting.RoleAdmin, KeyID: "test"}, foc.Sub(b.svc.Config.Clock.Now())+time.Minute); err != nil {
		t.Fatal(err)
	}
	o = b.mustAct(t, specialist, o.ID, porting.ActionRecordPorted, workflow.ActionInput{})
	if o.Status != porting.StatePorted {
		t.Fatalf("status %s, want ported", o.Status)
	}
	return o
}

func TestCSRFormAndDiff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	b.mustAct(t, specialist, o.ID, porting.ActionApprove, workflow.ActionInput{})
	team, acme := b.client(t), b.client(t)
	b.signIn(t, team, specialistEmail)
	b.signIn(t, acme, acmeEmail)

	if _, page := b.get(t, acme, "/port-orders/"+o.ID); strings.Contains(page, `action="/port-orders/`+o.ID+`/csr"`) {
		t.Error("the customer's order page offers the team's CSR entry")
	}
	bad := csrValues("+12125550123")
	bad.Set("csr.btn", "not a number")
	res := b.post(t, team, "/port-orders/"+o.ID+"/csr", bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("CSR with a bad BTN: %d, want 422", res.StatusCode)
	}
	page := readBody(t, res)
	wantFieldError(t, page, "csr-csr-btn", "")
	if !strings.Contains(page, `value="Acme Support Ltd"`) {
		t.Error("the refused CSR form lost its values")
	}
	if res := b.post(t, team, "/port-orders/"+o.ID+"/csr", csrValues("+12125550123")); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("CSR: %d, want 303", res.StatusCode)
	}
	got, _ := b.svc.Orders.GetPortOrder(context.Background(), specialist, o.ID)
	if got.CSR == nil || got.CSR.AccountName != "Acme Support Ltd" || got.CSR.ConfirmedAt == nil {
		t.Fatalf("CSR after the form: %+v", got.CSR)
	}

	// The customer's LOA differs in the name: the diff sets both side by side.
	if res := b.post(t, acme, "/port-orders/"+o.ID+"/loa", url.Values{"entity_name": {"Acme Support"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("LOA: %d", res.StatusCode)
	}
	_, page = b.get(t, acme, "/port-orders/"+o.ID)
	row := `<th scope="row">entity_name</th><td>Acme Support Ltd</td><td>Acme Support</td><td><strong>ENTITY_NAME_MISMATCH</strong>`
	if !strings.Contains(page, row) {
		t.Fatalf("no diff row for the entity name on the page:\n%s", page)
	}
	if !strings.Contains(page, `<th scope="row">service_address.street</th><td>1 Main St</td><td>—</td>`) {
		t.Error("no diff row for the missing street")
	}
}

func TestLOADownloads(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	acme, bakery := b.client(t), b.client(t)
	b.signIn(t, acme, acmeEmail)
	b.signIn(t, bakery, bakeryEmail)
	for path, media := range map[string]string{"loa.pdf": "application/pdf", "loa-attachment.csv": "text/csv",
		"loa-attachment.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
		res, body := b.get(t, acme, "/port-orders/"+o.ID+"/"+path)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), media) ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || len(body) == 0 {
			t.Errorf("GET %s: %d %s %s", path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
		if res, _ := b.get(t, bakery, "/port-orders/"+o.ID+"/"+path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s as another account: %d, want 404", path, res.StatusCode)
		}
	}
	if _, page := b.get(t, acme, "/port-orders/"+o.ID); !strings.Contains(page, `href="/port-orders/`+o.ID+`/loa.pdf"`) {
		t.Error("the order page has no link to the LOA")
	}
}

func TestApproveLOAFormCarriesTheAttestation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	b.mustAct(t, specialist, o.ID, porting.ActionApprove, workflow.ActionInput{})
	ctx := context.Background()
	addr := porting.Address{Street: "1 Main St", City: "New York", PostalCode: "10001", Country: "US"}
	today := porting.DateOf(b.svc.Config.Clock.Now())
	loa := porting.LOAData{EntityName: "Acme", ServiceAddress: addr, AuthorizedPerson: porting.LOAPerson{Name: "Jane Roe"}, AccountNumber: "A-1", BTN: "+12125550123", SignedOn: &today}
	csr := porting.CSR{AccountName: "Acme", ServiceAddress: addr, AuthorizedContact: "Jane Roe", BTN: "+12125550123", AccountNumber: "A-1", PhoneNumbers: []string{"+12125550123"}}
	if _, err := b.svc.Orders.UpdatePortOrder(ctx, specialist, o.ID, workflow.UpdatePortOrderParams{CSR: &csr, ConfirmCSR: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Orders.UpdatePortOrder(ctx, acmePrincipal, o.ID, workflow.UpdatePortOrderParams{LOA: &loa}); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []porting.DocumentType{porting.DocLOASigned, porting.DocInvoice} {
		if _, err := b.svc.Documents.UploadDocument(ctx, acmePrincipal, o.ID, workflow.UploadParams{Type: typ, Filename: "x.pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}); err != nil {
			t.Fatal(err)
		}
	}
	b.mustAct(t, acmePrincipal, o.ID, porting.ActionSubmitLOA, workflow.ActionInput{})
	team := b.client(t)
	b.signIn(t, team, specialistEmail)
	res := b.post(t, team, "/port-orders/"+o.ID+"/actions/approve_loa", url.Values{"attestation.signature": {"wet"}, "legible": {"on"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve_loa with a wet, legible signature: %d, want 303\n%s", res.StatusCode, readBody(t, res))
	}
	if got, _ := b.svc.Orders.GetPortOrder(ctx, specialist, o.ID); got.Status != porting.StateSubmitted {
		t.Fatalf("status %s, want submitted", got.Status)
	}
}

func TestPortDayForms(t *testing.T) {
	t.Parallel()
	b := setup(t) // no SIP caller: test calls are refused
	o := b.mustPorted(t, "+12125550123", "+12125550124")
	ctx := context.Background()
	flows, err := b.svc.Instances.ContactFlows(ctx, acmePrincipal, workflow.DemoInstanceID)
	if err != nil || len(flows) == 0 {
		t.Fatalf("demo flows: %v %v", flows, err)
	}
	acme, bakery := b.client(t), b.client(t)
	b.signIn(t, acme, acmeEmail)
	b.signIn(t, bakery, bakeryEmail)
	path := "/port-orders/" + o.ID

	_, page := b.get(t, acme, path)
	for _, want := range []string{`action="` + path + `/associations"`, `id="assoc-flow-1"`, `action="` + path + `/checklist/agents_ready"`, `action="` + path + `/test-calls"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the ported order's page has no %s", want)
		}
	}
	// A flow that is not the instance's comes back next to its number.
	res := b.post(t, acme, path+"/associations", url.Values{"flow_0": {flows[0].ID}, "flow_1": {"flow_elsewhere"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("association with a foreign flow: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "assoc-flow-1", "is not a contact flow of instance")
	if res := b.post(t, bakery, path+"/associations", url.Values{"flow_0": {flows[0].ID}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("association by another account: %d, want 404", res.StatusCode)
	}
	if res := b.post(t, acme, path+"/associations", url.Values{"flow_0": {flows[0].ID}, "flow_1": {flows[0].ID}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("association: %d, want 303", res.StatusCode)
	}
	inv, err := b.svc.Instances.InstancePhoneNumbers(ctx, acmePrincipal, workflow.DemoInstanceID)
	if err != nil {
		t.Fatal(err)
	}
	associated := 0
	for _, n := range inv {
		if n.ContactFlowID == flows[0].ID {
			associated++
		}
	}
	if associated != 2 {
		t.Fatalf("%d numbers on the flow after the form, want 2", associated)
	}
	// A form without a number's select leaves that number's flow alone.
	if res := b.post(t, acme, path+"/associations", url.Values{"flow_0": {""}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("taking one flow away: %d, want 303", res.StatusCode)
	}
	inv, _ = b.svc.Instances.InstancePhoneNumbers(ctx, acmePrincipal, workflow.DemoInstanceID)
	flowOf := map[string]string{}
	for _, n := range inv {
		flowOf[n.PhoneNumber] = n.ContactFlowID
	}
	held := o.HeldNumbers()
	if flowOf[held[0]] != "" || flowOf[held[1]] != flows[0].ID {
		t.Fatalf("after taking the first number's flow away: %v", flowOf)
	}

	// Attestations: an observed item is refused, the attested ones recorded.
	res = b.post(t, acme, path+"/checklist/test_calls_routed", url.Values{"note": {"trust me"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(readBody(t, res), "only old_traffic_stopped and agents_ready are attested") {
		t.Errorf("attesting an observed item: %d, want 422 with the workflow's reason", res.StatusCode)
	}
	for _, item := range porting.AttestedItems {
		if res := b.post(t, acme, path+"/checklist/"+string(item), url.Values{"note": {"done"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("attest %s: %d, want 303", item, res.StatusCode)
		}
	}
	if got, _ := b.svc.Orders.GetPortOrder(ctx, specialist, o.ID); len(got.Checklist) != 2 || got.Checklist[porting.ItemAgentsReady].Note != "done" {
		t.Fatalf("attestations: %+v", got.Checklist)
	}

	// Without a SIP caller the workflow refuses test calls; the page says why.
	res = b.post(t, acme, path+"/test-calls", url.Values{})
	if res.StatusCode != http.StatusConflict || !strings.Contains(readBody(t, res), "no SIP caller is configured") {
		t.Errorf("test calls without a caller: %d, want 409 with the reason", res.StatusCode)
	}
}
