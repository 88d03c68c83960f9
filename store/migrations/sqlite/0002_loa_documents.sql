-- LOA data, CSR, attestation and check findings of a port order, and the
-- documents uploaded to it. Secrets are sealed by the store with
-- AES-256-GCM (12-byte random nonce prepended to ciphertext and tag): the
-- LOA PIN under the order ID as additional data, a document's content
-- under the document ID, so neither can be moved to another row. Keep in
-- step with migrations/postgres/0002_loa_documents.sql.

ALTER TABLE port_orders ADD COLUMN loa TEXT;            -- porting.LOAData without the PIN
ALTER TABLE port_orders ADD COLUMN csr TEXT;
ALTER TABLE port_orders ADD COLUMN attestation TEXT;
ALTER TABLE port_orders ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE port_orders ADD COLUMN loa_pin_sealed BLOB; -- NULL when no PIN is on file

CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    port_order_id  TEXT NOT NULL REFERENCES port_orders (id),
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    type           TEXT NOT NULL CHECK (type IN ('loa_signed', 'csr', 'invoice', 'proof_of_address',
                       'proof_of_business', 'proof_of_id', 'number_list', 'other')),
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL CHECK (size >= 0),
    sha256         TEXT NOT NULL,
    uploaded_by    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    content_sealed BLOB NOT NULL
) STRICT;

CREATE INDEX documents_order ON documents (port_order_id, created_at, id);
