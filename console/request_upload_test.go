package console_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// postIntake posts the intake form as the page does (multipart), with a
// list file when content is not nil.
func (b *testBundle) postIntake(t *testing.T, c *http.Client, fields map[string]string, filename string, content []byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if content != nil {
		fw, err := mw.CreateFormFile("numbers_file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	res, err := c.Post(b.srv.URL+"/requests/new", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// TestIntakeUpload files requests from list files: a CSV with carriers and
// accounts previews its split and keeps the file's columns in the
// textarea, the posted-back textarea files the request with them; an XLSX
// is read too; a file that is no list is refused next to the file input.
func TestIntakeUpload(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.client(t)
	b.signIn(t, c, acmeEmail)
	acme := porting.Principal{Role: porting.RoleCustomer, AccountID: workflow.DemoPremiumAccountID}
	fields := map[string]string{
		"instance_id": workflow.DemoInstanceID, "severity": "normal", "subject": "Move our lines",
		"default_country": "US", "authorized_contact.name": "Jane Roe", "authorized_contact.email": "jane@acme.example",
		"contact_preferences.language": "en", "op": "preview",
	}
	list := "Phone Number;Carrier;Account\n+1 212 555 0123;Old Telco;A-1\n+1 212 555 0124;Old Telco;A-2\n12345;;\n"
	res := b.postIntake(t, c, fields, "numbers.csv", []byte(list))
	page := readBody(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("preview of a CSV: %d\n%s", res.StatusCode, page)
	}
	textarea := "phone_number,current_carrier,account_number\n+1 212 555 0123,Old Telco,A-1\n+1 212 555 0124,Old Telco,A-2\n12345,,\n"
	if !strings.Contains(page, ">"+textarea+"</textarea>") {
		t.Fatalf("the textarea does not hold the file's list under its header:\n%s", page)
	}
	if !strings.Contains(page, "+12125550123") || !strings.Contains(page, "+12125550124") || !strings.Contains(page, "12345") {
		t.Fatal("the preview does not show the file's numbers and the rejected one")
	}
	if p, _ := b.svc.Orders.ListPortOrders(context.Background(), acme, workflow.PortOrderQuery{}); len(p.Orders) != 0 {
		t.Fatal("the preview created orders")
	}

	// Filing with the textarea as the preview left it: one order per
	// account, each with the file's carrier.
	fields["op"], fields["phone_numbers"] = "file", strings.ReplaceAll(textarea, "\n12345,,", "")
	res = b.postIntake(t, c, fields, "", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("filing the listed numbers: %d\n%s", res.StatusCode, readBody(t, res))
	}
	page1, err := b.svc.Orders.ListPortOrders(context.Background(), acme, workflow.PortOrderQuery{})
	if err != nil || len(page1.Orders) != 2 {
		t.Fatalf("orders after filing: %v %v, want 2 (one per account)", page1, err)
	}
	for _, o := range page1.Orders {
		if o.LosingCarrier != "Old Telco" || o.LOA == nil || (o.LOA.AccountNumber != "A-1" && o.LOA.AccountNumber != "A-2") {
			t.Errorf("order %s: carrier %q, LOA %+v; want Old Telco and the file's account", o.ID, o.LosingCarrier, o.LOA)
		}
	}

	// An XLSX list, without a header.
	f := excelize.NewFile()
	for i, n := range []string{"+1 312 555 0150", "+1 312 555 0151"} {
		f.SetCellValue(f.GetSheetName(0), "A"+string(rune('1'+i)), n)
	}
	var x bytes.Buffer
	f.Write(&x)
	f.Close()
	delete(fields, "phone_numbers")
	fields["op"] = "preview"
	res = b.postIntake(t, c, fields, "numbers.xlsx", x.Bytes())
	page = readBody(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, ">+1 312 555 0150\n+1 312 555 0151\n</textarea>") {
		t.Fatalf("preview of an XLSX: %d\n%s", res.StatusCode, page)
	}

	// A PDF is no list: the error stands next to the file input.
	res = b.postIntake(t, c, fields, "bill.pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a PDF as the list: %d, want 422", res.StatusCode)
	}
	wantFieldError(t, readBody(t, res), "request-numbers-file", "")
	// Nothing listed at all is an error next to the textarea.
	res = b.postIntake(t, c, fields, "", nil)
	wantFieldError(t, readBody(t, res), "request-phone-numbers", "list at least one phone number")
}
