package console_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/portdesk/portdesk/console"
	"github.com/portdesk/portdesk/porting"
)

func TestActionFormFieldError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	c := b.client(t)
	b.signIn(t, c, specialistEmail)

	res := b.post(t, c, "/port-orders/"+o.ID+"/actions/mark_not_portable", url.Values{"reason": {""}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("mark_not_portable without a reason: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "act-mark-not-portable-reason", "")

	// An action the order does not offer now has no form: its refusal is
	// shown above the actions.
	res = b.post(t, c, "/port-orders/"+o.ID+"/actions/verify", nil)
	page := readBody(t, res)
	if res.StatusCode != http.StatusConflict || !strings.Contains(page, "cannot verify an order in state review") {
		t.Fatalf("verify in review: %d\n%s", res.StatusCode, page)
	}

	res = b.post(t, c, "/port-orders/"+o.ID+"/actions/approve", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	if got, _ := b.svc.Orders.GetPortOrder(context.Background(), specialist, o.ID); got.Status != porting.StateAwaitingLOA {
		t.Fatalf("status = %s, want awaiting_loa", got.Status)
	}
}

func TestDocumentUpload(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.mustFile(t, "+12125550123")
	c := b.client(t)
	b.signIn(t, c, acmeEmail)
	upload := func(typ, name string, content []byte) *http.Response {
		t.Helper()
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.WriteField("type", typ)
		f, _ := w.CreateFormFile("file", name)
		_, _ = f.Write(content)
		_ = w.Close()
		res, err := c.Post(b.srv.URL+"/port-orders/"+o.ID+"/documents", w.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

	res := upload("passport_photo", "loa.pdf", pdf)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown type: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "doc-type", "type must be one of")

	res = upload("loa_signed", "", nil)
	wantFieldError(t, readBody(t, res), "doc-file", "")

	big := bytes.Repeat([]byte("a"), int(b.svc.Settings.MaxDocument())+1)
	res = upload("loa_signed", "big.pdf", big)
	if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("too large: %d", res.StatusCode)
	}

	res = upload("loa_signed", "signed loa.pdf", pdf)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", res.StatusCode, readBody(t, res))
	}
	docs, err := b.svc.Documents.Documents(context.Background(), specialist, o.ID)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents after upload: %v %v", docs, err)
	}
	res, _ = b.get(t, c, "/port-orders/"+o.ID+"/documents/"+docs[0].ID)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %s", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
}

// TestCatalogueCoversPages checks that every catalogue key a template
// names, and every key built from a domain vocabulary, has English text:
// a missing key would show as the key itself.
func TestCatalogueCoversPages(t *testing.T) {
	t.Parallel()
	keys := map[string]bool{}
	files, _ := os.ReadDir("templates")
	literal := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	for _, f := range files {
		b, err := os.ReadFile("templates/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys in the templates", len(keys))
	}
	for _, s := range porting.States {
		keys["status."+string(s)] = true
	}
	for _, p := range porting.Parties {
		keys["party."+string(p)] = true
	}
	for _, tr := range porting.Transitions {
		keys["action."+string(tr.Action)] = true
	}
	for _, k := range porting.DeadlineKinds {
		keys["deadline."+string(k)] = true
	}
	for _, d := range porting.DocumentTypes {
		keys["doctype."+string(d)] = true
	}
	for _, i := range porting.ChecklistItems {
		keys["item."+string(i)] = true
	}
	for _, s := range porting.Severities {
		keys["severity."+string(s)] = true
	}
	for _, r := range []porting.Role{porting.RoleAdmin, porting.RoleSpecialist, porting.RoleCustomer, porting.RoleSystem, porting.RoleCarrier} {
		keys["role."+string(r)] = true
	}
	var missing []string
	for k := range keys {
		if !console.CatalogueHas("en", k) {
			missing = append(missing, k)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Fatalf("catalogue keys without English text: %v", missing)
	}
	// Every key the English catalogue has, Spanish and German have too
	// (TestCatalogueComplete), so a page key is covered in all three.
}

// TestCatalogueComplete checks that Spanish and German have their own text
// for every English key and no key English lacks (a typo would never show),
// and that the text is not English left in place.
func TestCatalogueComplete(t *testing.T) {
	t.Parallel()
	en := console.CatalogueKeys("en")
	if len(en) < 200 {
		t.Fatalf("English has only %d keys", len(en))
	}
	for _, lang := range []string{"es", "de"} {
		var missing []string
		for _, k := range en {
			if !console.CatalogueHas(lang, k) {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s lacks %d keys: %v", lang, len(missing), missing)
		}
		for _, k := range console.CatalogueKeys(lang) {
			if !console.CatalogueHas("en", k) {
				t.Errorf("%s has %s, which English lacks", lang, k)
			}
		}
		for _, k := range []string{"nav.dashboard", "order.title", "checklist.ready", "apikeys.secret_once", "quotas.caption"} {
			if got, want := console.Translate(lang, k), console.Translate("en", k); got == want {
				t.Errorf("%s %s is the English text %q", lang, k, got)
			}
		}
	}
}
