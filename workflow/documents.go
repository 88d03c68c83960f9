package workflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"

	"github.com/portdesk/portdesk/porting"
)

// UploadParams are the inputs of an upload.
type UploadParams struct {
	Type     porting.DocumentType
	Filename string
	Content  []byte
}

// UploadDocument stores a document of an order after checking its type,
// size and content. A customer's upload is an answer: it resets the
// respond-by date of the request's orders that wait on the customer.
func (s *Documents) UploadDocument(ctx context.Context, p porting.Principal, orderID string, in UploadParams) (*porting.Document, error) {
	if p.Role != porting.RoleCustomer && !p.Role.Staff() {
		return nil, porting.Errorf(porting.EFORBIDDEN, "role %s may not upload documents", p.Role)
	}
	if !slices.Contains(porting.DocumentTypes, in.Type) {
		return nil, porting.FieldErrorf("type", "type must be one of loa_signed, csr, invoice, proof_of_address, proof_of_business, proof_of_id, number_list, other")
	}
	if len(in.Content) == 0 {
		return nil, porting.FieldErrorf("file", "the file is empty")
	}
	if max := s.settings.MaxDocument(); int64(len(in.Content)) > max {
		return nil, porting.FieldErrorf("file", "the file is larger than %d bytes", max)
	}
	ct, err := sniff(in.Type, in.Content)
	if err != nil {
		return nil, err
	}
	if err := refuseHTML(in.Content); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(in.Content)
	d := &porting.Document{
		ID: porting.NewID("doc"), PortOrderID: orderID, Type: in.Type, Filename: cleanFilename(in.Filename),
		ContentType: ct, Size: int64(len(in.Content)), SHA256: hex.EncodeToString(sum[:]),
		UploadedBy: p, CreatedAt: s.clock.Now(),
	}
	err = s.store.InTx(ctx, func(tx porting.Tx) error {
		answers(ctx, porting.RefDocument, d.ID, orderID)
		o, err := findOrder(ctx, tx, p, orderID)
		if err != nil {
			return err
		}
		if o.Status.Terminal() {
			return porting.Errorf(porting.ECONFLICT, "the order is %s; documents can no longer be added", o.Status)
		}
		d.AccountID = o.AccountID
		if err := tx.CreateDocument(ctx, d, in.Content); err != nil {
			return err
		}
		if err := s.events.record(ctx, tx, p, porting.EventDocumentUploaded, orderEvent(o), nil, d); err != nil {
			return err
		}
		if d.Type == porting.DocLOASigned && o.Attestation != nil {
			// A new signed LOA has not been judged yet.
			before := o.Clone()
			o.Attestation = nil
			if err := s.orders.saveOrder(ctx, tx, p, before, o, porting.EventOrderUpdated); err != nil {
				return err
			}
		}
		if p.Role == porting.RoleCustomer {
			return s.requests.resetRespondBy(ctx, tx, p, o.PortRequestID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Content types a document may be stored with.
const (
	contentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	contentTypeCSV  = "text/csv"
)

// paperContentTypes are what papers (every type but number_list) may be.
var paperContentTypes = []string{"application/pdf", "image/png", "image/jpeg", "image/tiff"}

// sniff checks what the content is, whatever its name says, with
// mimetype's detection: PDF or an image for papers, CSV or XLSX only for
// number lists. Any text counts as CSV (a single column is no less a
// list); the spreadsheet's size and the CSV's cells are checked too.
func sniff(t porting.DocumentType, b []byte) (string, error) {
	m := mimetype.Detect(b)
	if t != porting.DocNumberList {
		for _, ct := range paperContentTypes {
			if m.Is(ct) {
				return ct, nil
			}
		}
		return "", porting.FieldErrorf("file", "the file is %s; upload a PDF, PNG, JPEG or TIFF (number lists: CSV or XLSX)", m)
	}
	switch {
	case m.Is(contentTypeXLSX):
		if err := checkSpreadsheet(b); err != nil {
			return "", err
		}
		return contentTypeXLSX, nil
	case isText(m) && printableText(b):
		if err := refuseFormulas(b); err != nil {
			return "", err
		}
		return contentTypeCSV, nil
	}
	return "", porting.FieldErrorf("file", "the file is %s; a number_list is a CSV or XLSX spreadsheet", m)
}

// isText reports whether m is text/plain or one of its kinds (CSV, HTML,
// JSON, …): mimetype's tree roots every text format there.
func isText(m *mimetype.MIME) bool {
	for ; m != nil; m = m.Parent() {
		if m.Is("text/plain") {
			return true
		}
	}
	return false
}

// printableText reports whether b is UTF-8 without NUL or control
// characters other than tab, CR and LF, all the way through: mimetype
// reads only the first few KiB.
func printableText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r < ' ' && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

// cleanFilename keeps only the base name, bounded and safe to show (see
// displayName), for display and Content-Disposition.
func cleanFilename(name string) string {
	name = displayName(filepath.Base(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/")))
	if len(name) > porting.MaxNameLength {
		name = strings.ToValidUTF8(name[:200], "")
	}
	if strings.Trim(name, ". _") == "" {
		name = "document"
	}
	return name
}

// Documents lists an order's documents.
func (s *Documents) Documents(ctx context.Context, p porting.Principal, orderID string) ([]*porting.Document, error) {
	var out []*porting.Document
	err := s.store.View(ctx, func(tx porting.Tx) error {
		if _, err := findOrder(ctx, tx, p, orderID); err != nil {
			return err
		}
		var err error
		out, err = tx.FindDocuments(ctx, orderID)
		return err
	})
	return out, err
}

// DownloadDocument returns a document and its content, recording who read it.
func (s *Documents) DownloadDocument(ctx context.Context, p porting.Principal, orderID, docID string) (*porting.Document, []byte, error) {
	var (
		d       *porting.Document
		content []byte
	)
	err := s.store.InTx(ctx, func(tx porting.Tx) error {
		o, err := findOrder(ctx, tx, p, orderID)
		if err != nil {
			return err
		}
		if d, err = tx.FindDocument(ctx, docID); err != nil || d.PortOrderID != o.ID {
			return porting.Errorf(porting.ENOTFOUND, "document %s not found", docID)
		}
		if content, err = tx.ReadDocumentContent(ctx, docID); err != nil {
			return err
		}
		d.Filename = cleanFilename(d.Filename) // stored before the names were cleaned as now
		return s.events.record(ctx, tx, p, porting.EventDocumentDownloaded, orderEvent(o), nil,
			map[string]string{"document_id": d.ID, "type": string(d.Type)})
	})
	if err != nil {
		return nil, nil, err
	}
	return d, content, nil
}

// Documents takes and serves an order's uploaded documents.
type Documents struct {
	store    porting.Store
	clock    porting.Clock
	settings Settings
	events   *Events
	orders   *Orders
	requests *Requests
}
