package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/portdesk/portdesk/porting"
)

// secretCheckText is what the check row seals; it proves nothing by itself,
// only that the key that opens it is the key that wrote the database.
const secretCheckText = "portdesk secret key check"

// checkSecretKeyMatches compares the store's key with the one the database
// was first written with, recording it on first use. A different key is
// EINVALID: documents, PINs and webhook secrets would be unreadable.
func (db *DB) checkSecretKeyMatches(ctx context.Context) error {
	var sealed []byte
	err := db.write.QueryRowContext(ctx, `SELECT sealed FROM secret_check WHERE id = 1`).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = db.write.ExecContext(ctx, `INSERT INTO secret_check (id, sealed) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
			db.sealer.seal([]byte(secretCheckText), "secret_check"))
		if err != nil {
			return fmt.Errorf("store: record the secret key check: %w", err)
		}
		return db.checkSecretKeyMatches(ctx) // a concurrent first start may have won
	}
	if err != nil {
		return fmt.Errorf("store: read the secret key check: %w", err)
	}
	if plain, err := db.sealer.open(sealed, "secret_check", "the key check"); err != nil || string(plain) != secretCheckText {
		return porting.Errorf(porting.EINVALID,
			"the secret key is not the one this database was written with: restore the original secret.key or PORTDESK_SECRET_KEY (every replica needs the same)")
	}
	return nil
}
