-- API keys can expire (expires_at, chosen at creation), be revoked
-- (revoked_at) and show when they were last used (last_used_at, written at
-- most once a minute per key). Keep in step with
-- migrations/sqlite/0008_api_key_lifecycle.sql.

ALTER TABLE api_keys
    ADD COLUMN expires_at   TIMESTAMPTZ,
    ADD COLUMN revoked_at   TIMESTAMPTZ,
    ADD COLUMN last_used_at TIMESTAMPTZ;

-- Lists and the per-account cap read an account's keys.
CREATE INDEX api_keys_account ON api_keys (account_id, created_at, id);
