-- Deadlines of port orders, webhook endpoints and their deliveries. Keep
-- in step with migrations/sqlite/0003_deadlines_webhooks.sql.

-- A deadline is pending until the sweeper fires it (fired_at set) or a
-- recomputation of the order's plan cancels it. The partial index holds
-- only pending rows, so the sweeper's "due now, oldest first" query reads
-- the due rows in order however many deadlines have fired or lie ahead.
CREATE TABLE deadlines (
    id            BIGSERIAL PRIMARY KEY,
    port_order_id TEXT NOT NULL REFERENCES port_orders (id),
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    kind          TEXT NOT NULL CHECK (kind IN ('respond_reminder', 'respond_by', 'loa_expiry',
                      'quota_requests_due', 'load_numbers', 'port_window_opens')),
    due_at        TIMESTAMPTZ NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'fired', 'cancelled')),
    fired_at      TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    CHECK ((state = 'fired') = (fired_at IS NOT NULL))
);

CREATE INDEX deadlines_due ON deadlines (due_at, id) WHERE state = 'pending';
CREATE INDEX deadlines_order ON deadlines (port_order_id, due_at);

-- Staff endpoints have no account and receive every account's events. The
-- signing secret is sealed by the store with AES-256-GCM under the
-- endpoint ID as additional data, like the LOA PIN.
CREATE TABLE webhook_endpoints (
    id                   TEXT PRIMARY KEY,
    account_id           TEXT REFERENCES accounts (id),
    url                  TEXT NOT NULL,
    event_types          JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(event_types) = 'array'),
    secret_sealed        BYTEA NOT NULL,
    enabled              BOOLEAN NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    disabled_at          TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL
);

CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, created_at, id);

-- One delivery per event and endpoint: a replay resets it rather than
-- adding another, so message_id stays what receivers deduplicate on.
CREATE TABLE webhook_deliveries (
    id          TEXT PRIMARY KEY,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    event_id    BIGINT NOT NULL REFERENCES events (id),
    message_id  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (endpoint_id, event_id)
);

CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (endpoint_id, created_at, event_id);
