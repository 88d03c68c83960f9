-- Console users (porting.User), their server-side sessions and
-- invitations, and the refused sign-ins the login limit counts. Session
-- secrets and invitation tokens are stored only as SHA-256 hashes;
-- passwords only as argon2id PHC strings. Keep in step with
-- migrations/sqlite/0012_users.sql.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'specialist', 'customer')),
    account_id    TEXT REFERENCES accounts (id),
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    disabled_at   TIMESTAMPTZ,
    CHECK ((role = 'customer') = (account_id IS NOT NULL))
);

CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    hash         TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
-- Ended sessions are deleted by these (DeleteEndedSessions).
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'specialist', 'customer')),
    account_id  TEXT REFERENCES accounts (id),
    hash        TEXT NOT NULL UNIQUE,
    invited_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    CHECK ((role = 'customer') = (account_id IS NOT NULL))
);

CREATE TABLE login_failures (
    id        BIGSERIAL PRIMARY KEY,
    email     TEXT NOT NULL,
    remote_ip TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);

CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_ip ON login_failures (remote_ip, at);
CREATE INDEX login_failures_at ON login_failures (at);
