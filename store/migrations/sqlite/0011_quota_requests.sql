-- Quota requests (porting.QuotaRequest): a customer or staff member asks
-- for one of an instance's quotas to be raised, staff approve or deny it
-- once. Keep in step with migrations/postgres/0011_quota_requests.sql.

CREATE TABLE quota_requests (
    id              TEXT PRIMARY KEY,
    instance_id     TEXT NOT NULL REFERENCES instances (id),
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    quota           TEXT NOT NULL CHECK (quota IN ('phone_numbers', 'concurrent_calls', 'outbound_countries')),
    value           INTEGER NOT NULL CHECK (value >= 0),
    countries       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(countries)),
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'approved', 'denied')),
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_at      TEXT,
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
) STRICT;

CREATE INDEX quota_requests_instance ON quota_requests (instance_id, created_at);

CREATE INDEX port_orders_instance ON port_orders (instance_id) WHERE instance_id IS NOT NULL;
