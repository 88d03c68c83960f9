package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/store"
	"github.com/portdesk/portdesk/store/storetest"
)

// loaPDF is document content distinctive enough that finding it in a raw
// row cannot be a coincidence.
var loaPDF = []byte("%PDF-1.7\nLetter of Authorization: Example Ltd authorizes the port of +12025550100.\n%%EOF\n")

// newDocument returns a document of order o for content, as an upload
// handler would fill it.
func newDocument(o *porting.PortOrder, filename string, content []byte) *porting.Document {
	sum := sha256.Sum256(content)
	return &porting.Document{PortOrderID: o.ID, AccountID: o.AccountID, Type: porting.DocLOASigned,
		Filename: filename, ContentType: "application/pdf", Size: int64(len(content)),
		SHA256:     hex.EncodeToString(sum[:]),
		UploadedBy: porting.Principal{Role: porting.RoleCustomer, AccountID: o.AccountID, KeyID: "key_c"}}
}

// mustCreateDocument stores d with content.
func mustCreateDocument(t *testing.T, db porting.Store, d *porting.Document, content []byte) *porting.Document {
	t.Helper()
	mustTx(t, db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateDocument(ctx, d, content) })
	return d
}

// readContent returns a document's content and the error of reading it.
func readContent(t *testing.T, db porting.Store, id string) (content []byte, err error) {
	t.Helper()
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		content, err = tx.ReadDocumentContent(ctx, id)
		return nil
	})
	return content, err
}

func testDocument(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, nil)
	d := mustCreateDocument(t, db, newDocument(o, "loa.pdf", loaPDF), loaPDF)
	if !strings.HasPrefix(d.ID, "doc_") || !d.CreatedAt.Equal(storetest.Epoch) {
		t.Errorf("after create: ID %q, created %v; want doc_… and the clock", d.ID, d.CreatedAt)
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		got, err := tx.FindDocument(ctx, d.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, d) {
			t.Errorf("FindDocument =\n%+v\nwant\n%+v", got, d)
		}
		return nil
	})
	if got, err := readContent(t, db, d.ID); err != nil || !bytes.Equal(got, loaPDF) {
		t.Errorf("ReadDocumentContent = %q, %v; want the content stored", got, err)
	}
	empty := mustCreateDocument(t, db, newDocument(o, "empty.txt", nil), nil)
	if got, err := readContent(t, db, empty.ID); err != nil || len(got) != 0 {
		t.Errorf("ReadDocumentContent of empty document = %q, %v", got, err)
	}

	// Listed oldest first, ties broken by ID, whatever the insert order.
	other := storetest.MustCreatePortOrder(t, db, &porting.PortOrder{PortRequestID: o.PortRequestID})
	at := func(h int) time.Time { return storetest.Epoch.Add(time.Duration(h) * time.Hour) }
	for _, x := range []struct {
		id string
		at time.Time
	}{{"doc_c", at(2)}, {"doc_a", at(3)}, {"doc_d", at(1)}, {"doc_b", at(2)}} {
		doc := newDocument(other, x.id+".pdf", []byte(x.id))
		doc.ID, doc.CreatedAt = x.id, x.at
		mustCreateDocument(t, db, doc, []byte(x.id))
	}
	view(t, db, func(ctx context.Context, tx porting.Tx) error {
		docs, err := tx.FindDocuments(ctx, other.ID)
		if err != nil {
			return err
		}
		var ids []string
		for _, d := range docs {
			ids = append(ids, d.ID)
		}
		if want := []string{"doc_d", "doc_b", "doc_c", "doc_a"}; !reflect.DeepEqual(ids, want) {
			t.Errorf("FindDocuments = %v, want %v", ids, want)
		}
		// The batched read agrees with one read per order.
		byOrder, err := tx.FindDocumentsOfOrders(ctx, []string{other.ID, o.ID, "po_nope"})
		if err != nil {
			return err
		}
		for _, id := range []string{other.ID, o.ID} {
			one, err := tx.FindDocuments(ctx, id)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(byOrder[id], one) {
				t.Errorf("FindDocumentsOfOrders[%s] =\n%+v\nwant FindDocuments's\n%+v", id, byOrder[id], one)
			}
		}
		if _, ok := byOrder["po_nope"]; ok || len(byOrder) != 2 {
			t.Errorf("FindDocumentsOfOrders holds %d orders (%v); want the 2 with documents", len(byOrder), byOrder["po_nope"])
		}
		if docs, err := tx.FindDocuments(ctx, "po_nope"); err != nil || docs == nil || len(docs) != 0 {
			t.Errorf("FindDocuments of an unknown order = %#v, %v; want [], nil", docs, err)
		}
		_, err = tx.FindDocument(ctx, "doc_nope")
		wantCode(t, err, porting.ENOTFOUND)
		_, err = tx.ReadDocumentContent(ctx, "doc_nope")
		wantCode(t, err, porting.ENOTFOUND)
		return nil
	})

	tests := []struct {
		name   string
		modify func(d *porting.Document)
		want   string
	}{
		{"unknown order", func(d *porting.Document) { d.PortOrderID = "po_nope" }, porting.EINVALID},
		{"unknown account", func(d *porting.Document) { d.AccountID = "acct_nope" }, porting.EINVALID},
		{"bad type", func(d *porting.Document) { d.Type = "selfie" }, porting.EINVALID},
		{"negative size", func(d *porting.Document) { d.Size = -1 }, porting.EINVALID},
		{"duplicate id", func(d *porting.Document) { d.ID = "doc_a" }, porting.ECONFLICT},
	}
	for _, tc := range tests {
		doc := newDocument(o, "x.pdf", loaPDF)
		tc.modify(doc)
		err := inTx(db, func(ctx context.Context, tx porting.Tx) error { return tx.CreateDocument(ctx, doc, loaPDF) })
		if got := porting.ErrorCode(err); got != tc.want {
			t.Errorf("%s: code = %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
}

// testDocumentTypes stores a document of every type: the CHECK constraint
// accepts the whole vocabulary.
func testDocumentTypes(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, nil)
	for _, typ := range porting.DocumentTypes {
		d := newDocument(o, string(typ), loaPDF)
		d.Type = typ
		mustCreateDocument(t, db, d, loaPDF)
	}
}

// testDocumentSealed looks at the stored bytes: the content is encrypted,
// and a changed byte or a value moved from another document does not open.
func testDocumentSealed(t *testing.T, e storetest.Engine) {
	db := e.Open(t)
	o := storetest.MustCreatePortOrder(t, db, nil)
	a := mustCreateDocument(t, db, newDocument(o, "a.pdf", loaPDF), loaPDF)
	b := mustCreateDocument(t, db, newDocument(o, "b.pdf", loaPDF), loaPDF)

	sealedA := sealedContent(t, db, a.ID)
	if bytes.Contains(sealedA, loaPDF) || bytes.Contains(sealedA, loaPDF[:16]) {
		t.Errorf("content_sealed holds the plaintext: %q", sealedA)
	}
	if bytes.Contains(rawRow(t, db, "documents", a.ID), loaPDF[:16]) {
		t.Error("documents row holds the plaintext")
	}
	if want := len(loaPDF) + 28; len(sealedA) != want {
		t.Errorf("content_sealed is %d bytes, want %d (nonce, ciphertext, tag)", len(sealedA), want)
	}
	if sealedB := sealedContent(t, db, b.ID); bytes.Equal(sealedA[:12], sealedB[:12]) {
		t.Error("two documents were sealed with the same nonce")
	}

	tests := []struct {
		name   string
		tamper func(sealed []byte) []byte
	}{
		{"nonce", func(s []byte) []byte { return flipByte(s, 0) }},
		{"ciphertext", func(s []byte) []byte { return flipByte(s, 12+5) }},
		{"tag", func(s []byte) []byte { return flipByte(s, len(s)-1) }},
		{"truncated", func(s []byte) []byte { return s[:20] }},
		{"empty", func([]byte) []byte { return []byte{} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustCreateDocument(t, db, newDocument(o, tc.name+".pdf", loaPDF), loaPDF)
			setRaw(t, db, `UPDATE documents SET content_sealed = $1 WHERE id = $2`, tc.tamper(sealedContent(t, db, d.ID)), d.ID)
			got, err := readContent(t, db, d.ID)
			wantSealError(t, err)
			if got != nil {
				t.Errorf("tampered content read as %q", got)
			}
		})
	}

	// A's sealed content moved onto B's row is refused: it is bound to A's ID.
	setRaw(t, db, `UPDATE documents SET content_sealed = $1 WHERE id = $2`, sealedA, b.ID)
	_, err := readContent(t, db, b.ID)
	wantSealError(t, err)
	if got, err := readContent(t, db, a.ID); err != nil || !bytes.Equal(got, loaPDF) {
		t.Errorf("ReadDocumentContent(a) = %q, %v", got, err)
	}
}

// sealedContent returns a document's content_sealed column as stored.
func sealedContent(t *testing.T, db *store.DB, id string) []byte {
	t.Helper()
	return rawBytes(t, db, `SELECT content_sealed FROM documents WHERE id = $1`, id)
}
