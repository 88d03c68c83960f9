-- Port day: calls that reached an instance's edge (call_records: the SIP
-- ingress's and those platforms report), test calls placed for an order
-- (test_calls, grouped in runs), where an instance takes test calls
-- (instances.sip_target), the customer's checklist attestations on an
-- order (port_orders.checklist, a JSON object by item), numbers found by
-- number (the ingress routes calls), and the checklist reminder deadline.
-- Keep in step with migrations/postgres/0010_port_day.sql.

ALTER TABLE instances ADD COLUMN sip_target TEXT;
ALTER TABLE port_orders ADD COLUMN checklist TEXT NOT NULL DEFAULT '{}';

CREATE INDEX instance_phone_numbers_number ON instance_phone_numbers (phone_number);

CREATE TABLE call_records (
    id              TEXT PRIMARY KEY,
    instance_id     TEXT NOT NULL REFERENCES instances (id),
    phone_number    TEXT NOT NULL,
    at              TEXT NOT NULL,
    source          TEXT NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('answered', 'unavailable', 'not_found', 'failed')),
    contact_flow_id TEXT,
    test_call_id    TEXT
) STRICT;

CREATE INDEX call_records_number ON call_records (instance_id, phone_number, at);

CREATE TABLE test_calls (
    id               TEXT PRIMARY KEY,
    run_id           TEXT NOT NULL,
    run_seq          INTEGER NOT NULL, -- the order's runs, 1, 2, …: the newest is the highest
    port_order_id    TEXT NOT NULL REFERENCES port_orders (id),
    phone_number     TEXT NOT NULL,
    target           TEXT NOT NULL,
    sip_status       INTEGER NOT NULL,
    expected_flow_id TEXT,
    answered_flow_id TEXT,
    result           TEXT NOT NULL CHECK (result IN ('pass', 'misrouted', 'failed')),
    detail           TEXT NOT NULL DEFAULT '',
    at               TEXT NOT NULL
) STRICT;

CREATE INDEX test_calls_order ON test_calls (port_order_id, run_seq, id);

-- SQLite cannot change a CHECK constraint in place: the deadlines table is
-- rebuilt with the new kind.
CREATE TABLE deadlines_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    port_order_id TEXT NOT NULL REFERENCES port_orders (id),
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    kind          TEXT NOT NULL CHECK (kind IN ('respond_reminder', 'respond_by', 'loa_expiry',
                      'quota_requests_due', 'load_numbers', 'port_window_opens', 'checklist_reminder')),
    due_at        TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'fired', 'cancelled')),
    fired_at      TEXT,
    created_at    TEXT NOT NULL,
    CHECK ((state = 'fired') = (fired_at IS NOT NULL))
) STRICT;

INSERT INTO deadlines_new (id, port_order_id, account_id, kind, due_at, state, fired_at, created_at)
    SELECT id, port_order_id, account_id, kind, due_at, state, fired_at, created_at FROM deadlines;
DROP TABLE deadlines;
ALTER TABLE deadlines_new RENAME TO deadlines;

CREATE INDEX deadlines_due ON deadlines (due_at, id) WHERE state = 'pending';
CREATE INDEX deadlines_order ON deadlines (port_order_id, due_at);
