-- Invitation and password reset emails. A token that an email still has
-- to carry is kept sealed (AES-256-GCM with the store's secret key, bound
-- to the row's ID) and dropped once the email went out, the link was used
-- or it expired; lookups go by the SHA-256 hash only. Keep in step with
-- migrations/sqlite/0014_user_emails.sql.

ALTER TABLE invitations ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE invitations ADD COLUMN token_sealed BYTEA;
ALTER TABLE invitations ADD COLUMN mail_sent_at TIMESTAMPTZ;
ALTER TABLE invitations ADD COLUMN mail_error TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN mail_failed BOOLEAN NOT NULL DEFAULT false;

CREATE INDEX invitations_account ON invitations (account_id, created_at);

CREATE TABLE password_resets (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    hash         TEXT NOT NULL UNIQUE,
    language     TEXT NOT NULL DEFAULT 'en',
    token_sealed BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ,
    mail_sent_at TIMESTAMPTZ,
    mail_error   TEXT NOT NULL DEFAULT '',
    mail_failed  BOOLEAN NOT NULL DEFAULT false
);

CREATE INDEX password_resets_user ON password_resets (user_id);
CREATE INDEX password_resets_expires ON password_resets (expires_at);

-- Password reset requests, counted by the request limit like refused
-- sign-ins (login_failures), whether or not the email is a user's.
CREATE TABLE reset_requests (
    id        BIGSERIAL PRIMARY KEY,
    email     TEXT NOT NULL,
    remote_ip TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);

CREATE INDEX reset_requests_email ON reset_requests (email, at);
CREATE INDEX reset_requests_ip ON reset_requests (remote_ip, at);
CREATE INDEX reset_requests_at ON reset_requests (at);
