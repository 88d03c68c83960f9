package twilio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/portdesk/portdesk/porting"
)

// maxDocument bounds a document fetched from its link.
const maxDocument = 20 << 20

// utilityBill is the Documents API type a port-in request requires.
const utilityBill = "utility_bill"

// billKinds are the document kinds that prove the account holds the
// numbers, uploaded to Twilio as utility bills. Twilio writes and has the
// LOA signed itself, so the other kinds stay with portdesk.
var billKinds = map[porting.DocumentType]bool{
	porting.DocInvoice:        true,
	porting.DocProofOfAddress: true,
	porting.DocCSR:            true,
}

// uploadDocuments fetches each bill of a submission from its link and
// uploads it to Twilio's Documents API, in order, returning the document
// SIDs. EINVALID when the submission has no bill: Twilio refuses a
// port-in request without one.
func (g *Gateway) uploadDocuments(ctx context.Context, docs []porting.CarrierDocument) ([]string, error) {
	var sids []string
	for _, d := range docs {
		if !billKinds[porting.DocumentType(d.Kind)] {
			continue
		}
		content, err := g.fetchDocument(ctx, d)
		if err != nil {
			return nil, err
		}
		sid, err := g.uploadDocument(ctx, d, content)
		if err != nil {
			return nil, err
		}
		sids = append(sids, sid)
	}
	if len(sids) == 0 {
		return nil, porting.FieldErrorf("documents", "twilio: a port-in request needs a utility bill (an invoice or proof of address)")
	}
	return sids, nil
}

// fetchDocument reads a document from its pre-signed link (no key).
func (g *Gateway) fetchDocument(ctx context.Context, d porting.CarrierDocument) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL, nil)
	if err != nil {
		return nil, porting.Errorf(porting.EINVALID, "twilio: document %s has a bad link", d.ID)
	}
	resp, err := g.httpClient.Do(req)
	if err != nil {
		return nil, &porting.Error{Code: porting.EUNAVAILABLE, Message: "twilio: fetch document " + d.ID, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, porting.Errorf(statusCode(resp.StatusCode), "twilio: fetch document %s: HTTP %d", d.ID, resp.StatusCode)
	}
	content, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument+1))
	if err != nil {
		return nil, &porting.Error{Code: porting.EUNAVAILABLE, Message: "twilio: read document " + d.ID, Err: err}
	}
	if len(content) > maxDocument {
		return nil, porting.Errorf(porting.EINVALID, "twilio: document %s is larger than %d bytes", d.ID, maxDocument)
	}
	return content, nil
}

// uploadDocument posts one document to the Documents API as multipart
// form data (document_type, friendly_name, File) and returns its SID.
func (g *Gateway) uploadDocument(ctx context.Context, d porting.CarrierDocument, content []byte) (string, error) {
	body, contentType, err := documentForm(d, content)
	if err != nil {
		return "", err
	}
	endpoint := strings.TrimSuffix(g.uploadURL.String(), "/") + "/v1/Documents"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, body)
	if err != nil {
		return "", fmt.Errorf("twilio: upload document %s: %w", d.ID, err)
	}
	req.Header.Set("Content-Type", contentType)
	req.SetBasicAuth(g.username, g.password)
	resp, err := g.httpClient.Do(req)
	if err != nil {
		return "", &porting.Error{Code: porting.EUNAVAILABLE, Message: "twilio: upload document " + d.ID, Err: err}
	}
	defer resp.Body.Close()
	return readUpload(d.ID, resp)
}

// documentForm writes the multipart body of an upload.
func documentForm(d porting.CarrierDocument, content []byte) (io.Reader, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("document_type", utilityBill)
	_ = w.WriteField("friendly_name", orDefault(d.Filename, d.ID))
	part, err := w.CreateFormFile("File", orDefault(d.Filename, d.ID))
	if err != nil {
		return nil, "", fmt.Errorf("twilio: upload document %s: %w", d.ID, err)
	}
	if _, err := part.Write(content); err != nil {
		return nil, "", fmt.Errorf("twilio: upload document %s: %w", d.ID, err)
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("twilio: upload document %s: %w", d.ID, err)
	}
	return &buf, w.FormDataContentType(), nil
}

// readUpload reads the Documents API's answer: the new SID, or Twilio's
// error mapped like any API error.
func readUpload(docID string, resp *http.Response) (string, error) {
	var out struct {
		SID     string `json:"sid"`
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	decodeErr := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out)
	if resp.StatusCode >= 300 {
		return "", porting.Errorf(statusCode(resp.StatusCode), "twilio: upload document %s: HTTP %d: %s (error %d)",
			docID, resp.StatusCode, out.Message, out.Code)
	}
	if decodeErr != nil || out.SID == "" {
		return "", porting.Errorf(porting.EINTERNAL, "twilio: upload document %s: no document SID in the answer", docID)
	}
	return out.SID, nil
}
