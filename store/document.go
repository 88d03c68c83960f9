package store

import (
	"context"
	"slices"

	"github.com/portdesk/portdesk/porting"
)

const documentColumns = `id, port_order_id, account_id, type, filename, content_type, size, sha256,
	uploaded_by, created_at`

// CreateDocument stores d's metadata and content, giving d an ID and a
// creation time when missing. The content is sealed under the document ID
// (see sealer); Size and SHA256 are stored as given. EINVALID for an
// unknown order or account or type, ECONFLICT on a duplicate ID.
func (t *tx) CreateDocument(ctx context.Context, d *porting.Document, content []byte) error {
	setID(&d.ID, "doc")
	t.db.stamp(&d.CreatedAt)
	by, err := jsonArg(d.UploadedBy)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO documents (`+documentColumns+`, content_sealed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		d.ID, d.PortOrderID, d.AccountID, d.Type, d.Filename, d.ContentType, d.Size, d.SHA256, by,
		d.CreatedAt, t.db.sealer.seal(content, d.ID))
	if err != nil {
		return errorf(err, "create document %s", d.ID)
	}
	return nil
}

// scanDocument reads a row of documentColumns.
func scanDocument(r scanner) (*porting.Document, error) {
	var d porting.Document
	err := r.Scan(&d.ID, &d.PortOrderID, &d.AccountID, &d.Type, &d.Filename, &d.ContentType, &d.Size,
		&d.SHA256, jsonCol{&d.UploadedBy}, timeCol{&d.CreatedAt})
	return &d, err
}

// FindDocument returns the metadata of the document with the given ID;
// ENOTFOUND if none.
func (t *tx) FindDocument(ctx context.Context, id string) (*porting.Document, error) {
	d, err := scanDocument(t.queryRow(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = $1`, id))
	if err != nil {
		return nil, findErr(err, "document", id)
	}
	return d, nil
}

// FindDocuments returns the metadata of an order's documents, oldest
// first (by creation time, then ID); none is an empty list.
func (t *tx) FindDocuments(ctx context.Context, portOrderID string) ([]*porting.Document, error) {
	out := []*porting.Document{}
	err := queryAll(ctx, t, func(r scanner) error {
		d, err := scanDocument(r)
		if err == nil {
			out = append(out, d)
		}
		return err
	}, `SELECT `+documentColumns+` FROM documents WHERE port_order_id = $1 ORDER BY created_at, id`, portOrderID)
	if err != nil {
		return nil, errorf(err, "find documents of port order %s", portOrderID)
	}
	return out, nil
}

// FindDocumentsOfOrders returns the metadata of the documents of several
// orders, each order's oldest first, in one query per inChunk orders.
func (t *tx) FindDocumentsOfOrders(ctx context.Context, portOrderIDs []string) (map[string][]*porting.Document, error) {
	out := make(map[string][]*porting.Document, len(portOrderIDs))
	for chunk := range slices.Chunk(portOrderIDs, inChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		err := queryAll(ctx, t, func(r scanner) error {
			d, err := scanDocument(r)
			if err == nil {
				out[d.PortOrderID] = append(out[d.PortOrderID], d)
			}
			return err
		}, `SELECT `+documentColumns+` FROM documents WHERE port_order_id IN (`+inList(1, len(chunk))+`)
			ORDER BY port_order_id, created_at, id`, args...)
		if err != nil {
			return nil, errorf(err, "find documents of port orders")
		}
	}
	return out, nil
}

// ReadDocumentContent returns the decrypted content of a document;
// ENOTFOUND if none, EINTERNAL when the stored content does not decrypt
// (another secret key, or the row was altered).
func (t *tx) ReadDocumentContent(ctx context.Context, id string) ([]byte, error) {
	var sealed []byte
	if err := t.queryRow(ctx, `SELECT content_sealed FROM documents WHERE id = $1`, id).Scan(&sealed); err != nil {
		return nil, findErr(err, "document", id)
	}
	content, err := t.db.sealer.open(sealed, id, "content")
	if err != nil {
		return nil, errorf(err, "read document %s", id)
	}
	return content, nil
}
