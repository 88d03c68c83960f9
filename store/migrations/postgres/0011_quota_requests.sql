-- Quota requests (porting.QuotaRequest): a customer or staff member asks
-- for one of an instance's quotas to be raised, staff approve or deny it
-- once. Keep in step with migrations/sqlite/0011_quota_requests.sql.

CREATE TABLE quota_requests (
    id              TEXT PRIMARY KEY,
    instance_id     TEXT NOT NULL REFERENCES instances (id),
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    quota           TEXT NOT NULL CHECK (quota IN ('phone_numbers', 'concurrent_calls', 'outbound_countries')),
    value           INTEGER NOT NULL CHECK (value >= 0),
    countries       JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(countries) = 'array'),
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'approved', 'denied')),
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_at      TIMESTAMPTZ,
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX quota_requests_instance ON quota_requests (instance_id, created_at);

CREATE INDEX port_orders_instance ON port_orders (instance_id) WHERE instance_id IS NOT NULL;
