-- Invitation and password reset emails. A token that an email still has
-- to carry is kept sealed (AES-256-GCM with the store's secret key, bound
-- to the row's ID) and dropped once the email went out, the link was used
-- or it expired; lookups go by the SHA-256 hash only. Keep in step with
-- migrations/postgres/0014_user_emails.sql.

ALTER TABLE invitations ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE invitations ADD COLUMN token_sealed BLOB;
ALTER TABLE invitations ADD COLUMN mail_sent_at TEXT;
ALTER TABLE invitations ADD COLUMN mail_error TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN mail_failed INTEGER NOT NULL DEFAULT 0;

CREATE INDEX invitations_account ON invitations (account_id, created_at);

CREATE TABLE password_resets (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    hash         TEXT NOT NULL UNIQUE,
    language     TEXT NOT NULL DEFAULT 'en',
    token_sealed BLOB,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    mail_sent_at TEXT,
    mail_error   TEXT NOT NULL DEFAULT '',
    mail_failed  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX password_resets_user ON password_resets (user_id);
CREATE INDEX password_resets_expires ON password_resets (expires_at);

-- Password reset requests, counted by the request limit like refused
-- sign-ins (login_failures), whether or not the email is a user's.
CREATE TABLE reset_requests (
    id        INTEGER PRIMARY KEY,
    email     TEXT NOT NULL,
    remote_ip TEXT NOT NULL,
    at        TEXT NOT NULL
) STRICT;

CREATE INDEX reset_requests_email ON reset_requests (email, at);
CREATE INDEX reset_requests_ip ON reset_requests (remote_ip, at);
CREATE INDEX reset_requests_at ON reset_requests (at);
