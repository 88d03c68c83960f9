package console_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/portdesk/portdesk/porting"
	"net/url"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/workflow"
)

// TestBulkAssociations gives the numbers of an instance their flows on the
// bulk page: lines with and without a flow, every number without one, a
// refused line named by its number, another account's instance not found.
func TestBulkAssociations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustPorted(t, "+12125550123", "+12125550124", "+12125550125")
	ctx := context.Background()
	flows, err := b.svc.Instances.ContactFlows(ctx, acmePrincipal, workflow.DemoInstanceID)
	if err != nil || len(flows) < 2 {
		t.Fatalf("demo flows: %v %v (want two)", flows, err)
	}
	acme, bakery, team := b.client(t), b.client(t), b.client(t)
	b.signIn(t, acme, acmeEmail)
	b.signIn(t, bakery, bakeryEmail)
	b.signIn(t, team, specialistEmail)
	path := "/instances/" + workflow.DemoInstanceID + "/associations"
	flowOf := func() map[string]string {
		t.Helper()
		inv, err := b.svc.Instances.InstancePhoneNumbers(ctx, acmePrincipal, workflow.DemoInstanceID)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, n := range inv {
			m[n.PhoneNumber] = n.ContactFlowID
		}
		return m
	}
	held := o.HeldNumbers()

	_, page := b.get(t, acme, path)
	for _, want := range []string{`action="` + path + `"`, `id="bulk-lines"`, `id="bulk-flow"`, `id="bulk-all-unassigned"`, held[0]} {
		if !strings.Contains(page, want) {
			t.Errorf("the bulk page has no %s", want)
		}
	}
	if _, page := b.get(t, acme, "/instances"); !strings.Contains(page, `href="`+path+`"`) {
		t.Error("the instances page does not link to the bulk page")
	}

	// A number the instance does not hold is refused by its line, and
	// nothing changes.
	lines := "+1 (212) 555-0123\n\n+12125550199, " + flows[1].ID + "\n"
	res := b.post(t, acme, path, url.Values{"lines": {lines}, "flow": {flows[0].ID}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a number outside the instance: %d, want 422", res.StatusCode)
	}
	body := readBody(t, res)
	wantFieldError(t, body, "bulk-lines", "line 3: ")
	if !strings.Contains(body, "+12125550199") {
		t.Error("the refused page lost the typed lines")
	}
	if got := flowOf(); got[held[0]] != "" {
		t.Fatalf("a refused save changed flows: %v", got)
	}
	// A foreign flow is refused too.
	res = b.post(t, acme, path, url.Values{"lines": {held[0] + ",flow_elsewhere"}})
	wantFieldError(t, readBody(t, res), "bulk-lines", "line 1: ")

	// Lines in written forms, one with its own flow, then the rest.
	res = b.post(t, acme, path, url.Values{"lines": {"+1 (212) 555-0123\n" + held[1] + "\t" + flows[1].ID}, "flow": {flows[0].ID}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path+"?saved=2" {
		t.Fatalf("save: %d → %q, want 303 to ?saved=2", res.StatusCode, res.Header.Get("Location"))
	}
	if got := flowOf(); got[held[0]] != flows[0].ID || got[held[1]] != flows[1].ID || got[held[2]] != "" {
		t.Fatalf("after the save: %v", got)
	}
	if _, page := b.get(t, acme, path+"?saved=2"); !strings.Contains(page, `role="status"`) {
		t.Error("the page after a save does not say what was saved")
	}
	// The team gives every number still without a flow the second flow.
	res = b.post(t, team, path, url.Values{"flow": {flows[1].ID}, "all_unassigned": {"on"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("all unassigned by the team: %d, want 303", res.StatusCode)
	}
	if got := flowOf(); got[held[2]] != flows[1].ID || got[held[0]] != flows[0].ID {
		t.Fatalf("after giving the unassigned a flow: %v", got)
	}
	// Nothing to do is an error next to the lines.
	wantFieldError(t, readBody(t, b.post(t, acme, path, url.Values{"lines": {"\n  \n"}})), "bulk-lines", "list the numbers")
	// More lines than one save takes are refused before any is read.
	var many strings.Builder
	for i := range workflow.MaxAssociations + 1 {
		fmt.Fprintf(&many, "+1212%07d\n", i)
	}
	wantFieldError(t, readBody(t, b.post(t, acme, path, url.Values{"lines": {many.String()}})), "bulk-lines", "at most 10000")

	// Another account's instance is not found, to read or to change.
	if res, _ := b.get(t, bakery, path); res.StatusCode != http.StatusNotFound {
		t.Errorf("another account's bulk page: %d, want 404", res.StatusCode)
	}
	if res := b.post(t, bakery, path, url.Values{"lines": {held[0]}, "flow": {""}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another account's bulk save: %d, want 404", res.StatusCode)
	}
	if got := flowOf(); got[held[0]] != flows[0].ID {
		t.Fatalf("another account changed a flow: %v", got)
	}
}

// TestBulkAssociationsAllUnassignedBig: "every number without a flow" on an
// instance with more of them than one save takes gives the first
// workflow.MaxAssociations their flow, and the next save the rest.
func TestBulkAssociationsAllUnassignedBig(t *testing.T) {
	t.Parallel()
	var st porting.Store
	b := setupWith(t, func(c *workflow.Config) { st = c.Store })
	ctx := context.Background()
	flows, err := b.svc.Instances.ContactFlows(ctx, acmePrincipal, workflow.DemoInstanceID)
	if err != nil || len(flows) == 0 {
		t.Fatal(flows, err)
	}
	err = st.InTx(ctx, func(tx porting.Tx) error {
		for i := range workflow.MaxAssociations + 1 {
			n := &porting.InstancePhoneNumber{InstanceID: workflow.DemoInstanceID, PhoneNumber: fmt.Sprintf("+1212%07d", 2_000_000+i),
				Status: porting.InventoryActive, UpdatedAt: b.svc.Config.Clock.Now()}
			if err := tx.UpsertInstancePhoneNumber(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	acme := b.client(t)
	b.signIn(t, acme, acmeEmail)
	path := "/instances/" + workflow.DemoInstanceID + "/associations"
	all := url.Values{"flow": {flows[0].ID}, "all_unassigned": {"on"}}
	res := b.post(t, acme, path, all)
	if want := fmt.Sprintf("%s?saved=%d", path, workflow.MaxAssociations); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
		t.Fatalf("first save: %d → %q, want 303 to %s", res.StatusCode, res.Header.Get("Location"), want)
	}
	res = b.post(t, acme, path, all)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second save: %d, want 303", res.StatusCode)
	}
	inv, _ := b.svc.Instances.InstancePhoneNumbers(ctx, acmePrincipal, workflow.DemoInstanceID)
	for _, n := range inv {
		if n.ContactFlowID == "" {
			t.Fatalf("%s still has no flow after two saves", n.PhoneNumber)
		}
	}
}
