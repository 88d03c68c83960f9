-- portdesk schema, SQLite edition. Times are UTC text in the fixed-width
-- form 2006-01-02T15:04:05.000000Z so that text order is time order;
-- JSON is text. Keep in step with migrations/postgres/0001_init.sql.

CREATE TABLE accounts (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    support_plan TEXT NOT NULL CHECK (support_plan IN ('basic', 'premium')),
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    account_id TEXT REFERENCES accounts (id),
    role       TEXT NOT NULL CHECK (role IN ('admin', 'specialist', 'customer')),
    prefix     TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
) STRICT;

CREATE INDEX api_keys_role ON api_keys (role);

CREATE TABLE instances (
    id                       TEXT PRIMARY KEY,
    account_id               TEXT NOT NULL REFERENCES accounts (id),
    name                     TEXT NOT NULL,
    arn                      TEXT NOT NULL,
    region                   TEXT NOT NULL,
    quota_phone_numbers      INTEGER NOT NULL CHECK (quota_phone_numbers >= 0),
    quota_concurrent_calls   INTEGER NOT NULL CHECK (quota_concurrent_calls >= 0),
    quota_outbound_countries TEXT NOT NULL DEFAULT '[]',
    created_at               TEXT NOT NULL
) STRICT;

CREATE INDEX instances_account ON instances (account_id);

CREATE TABLE contact_flows (
    id          TEXT PRIMARY KEY,
    instance_id TEXT NOT NULL REFERENCES instances (id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX contact_flows_instance ON contact_flows (instance_id, created_at);

CREATE TABLE port_requests (
    id                    TEXT PRIMARY KEY,
    account_id            TEXT NOT NULL REFERENCES accounts (id),
    case_type             TEXT NOT NULL CHECK (case_type IN ('technical', 'limit_increase')),
    instance_id           TEXT REFERENCES instances (id),
    severity              TEXT CHECK (severity IN ('low', 'normal', 'high', 'urgent', 'critical')),
    subject               TEXT NOT NULL,
    limit_requests        TEXT NOT NULL DEFAULT '[]',
    description           TEXT NOT NULL,
    current_carrier       TEXT NOT NULL,
    authorized_contact    TEXT NOT NULL DEFAULT '{}',
    contact_preferences   TEXT NOT NULL DEFAULT '{}',
    rejected_numbers      TEXT NOT NULL DEFAULT '[]',
    created_by_role       TEXT NOT NULL CHECK (created_by_role IN ('admin', 'specialist', 'customer', 'system', 'carrier')),
    created_by_account_id TEXT,
    created_by_key_id     TEXT,
    created_at            TEXT NOT NULL
) STRICT;

CREATE INDEX port_requests_account ON port_requests (account_id, created_at);

CREATE TABLE messages (
    id                TEXT PRIMARY KEY,
    port_request_id   TEXT NOT NULL REFERENCES port_requests (id),
    author_role       TEXT NOT NULL CHECK (author_role IN ('admin', 'specialist', 'customer', 'system', 'carrier')),
    author_account_id TEXT,
    author_key_id     TEXT,
    body              TEXT NOT NULL,
    created_at        TEXT NOT NULL
) STRICT;

CREATE INDEX messages_request ON messages (port_request_id, created_at);

CREATE TABLE port_orders (
    id                TEXT PRIMARY KEY,
    port_request_id   TEXT NOT NULL REFERENCES port_requests (id),
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    instance_id       TEXT REFERENCES instances (id),
    status            TEXT NOT NULL CHECK (status IN ('review', 'awaiting_loa', 'loa_review', 'submitted',
                          'exception', 'foc_confirmed', 'numbers_loaded', 'porting', 'ported',
                          'awaiting_verification', 'completed', 'not_portable', 'cancelled')),
    country           TEXT NOT NULL,
    losing_carrier    TEXT NOT NULL,
    number_kind       TEXT NOT NULL CHECK (number_kind IN ('did', 'toll_free', 'shared_cost')),
    foc_at            TEXT,
    requested_foc_at  TEXT,
    respond_by        TEXT,
    exception         TEXT,
    status_reason     TEXT NOT NULL DEFAULT '',
    previous_order_id TEXT REFERENCES port_orders (id) DEFERRABLE INITIALLY DEFERRED,
    next_order_id     TEXT REFERENCES port_orders (id) DEFERRABLE INITIALLY DEFERRED,
    version           INTEGER NOT NULL CHECK (version > 0),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE INDEX port_orders_created ON port_orders (created_at, id);
CREATE INDEX port_orders_account ON port_orders (account_id, created_at, id);
CREATE INDEX port_orders_request ON port_orders (port_request_id, created_at, id);
CREATE INDEX port_orders_status ON port_orders (status, created_at, id);

-- held is true while the number's order is active (status not completed,
-- not_portable or cancelled) and the number's status holds it; the partial
-- unique index puts a number on at most one active order.
CREATE TABLE port_order_numbers (
    order_id     TEXT NOT NULL REFERENCES port_orders (id),
    position     INTEGER NOT NULL,
    phone_number TEXT NOT NULL,
    number_type  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'portable', 'not_portable', 'in_progress',
                     'loaded', 'ported', 'verified', 'excluded', 'cancelled')),
    held         INTEGER NOT NULL CHECK (held IN (0, 1)),
    PRIMARY KEY (order_id, position)
) STRICT;

CREATE UNIQUE INDEX port_order_numbers_held ON port_order_numbers (phone_number) WHERE held;

CREATE TABLE instance_phone_numbers (
    instance_id     TEXT NOT NULL REFERENCES instances (id),
    phone_number    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending_port', 'active')),
    contact_flow_id TEXT REFERENCES contact_flows (id),
    port_order_id   TEXT REFERENCES port_orders (id),
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (instance_id, phone_number)
) STRICT;

CREATE TABLE events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    type             TEXT NOT NULL,
    account_id       TEXT,
    port_request_id  TEXT,
    port_order_id    TEXT,
    actor_role       TEXT NOT NULL CHECK (actor_role IN ('admin', 'specialist', 'customer', 'system', 'carrier')),
    actor_account_id TEXT,
    actor_key_id     TEXT,
    created_at       TEXT NOT NULL,
    data_before      TEXT CHECK (data_before IS NULL OR json_valid(data_before)),
    data_after       TEXT CHECK (data_after IS NULL OR json_valid(data_after))
) STRICT;

CREATE INDEX events_account ON events (account_id, id);
CREATE INDEX events_order ON events (port_order_id, id);

CREATE TABLE idempotency_keys (
    scope       TEXT NOT NULL,
    idem_key    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    done        INTEGER NOT NULL CHECK (done IN (0, 1)),
    status      INTEGER NOT NULL DEFAULT 0,
    body        TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (scope, idem_key)
) STRICT;
