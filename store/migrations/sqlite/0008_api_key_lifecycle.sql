-- API keys can expire (expires_at, chosen at creation), be revoked
-- (revoked_at) and show when they were last used (last_used_at, written at
-- most once a minute per key). Keep in step with
-- migrations/postgres/0008_api_key_lifecycle.sql.

ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
ALTER TABLE api_keys ADD COLUMN revoked_at TEXT;
ALTER TABLE api_keys ADD COLUMN last_used_at TEXT;

-- Lists and the per-account cap read an account's keys.
CREATE INDEX api_keys_account ON api_keys (account_id, created_at, id);
