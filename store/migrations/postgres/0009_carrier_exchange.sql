-- The carrier registry (porting.Carrier: names, aliases, countries, the
-- gateway and its settings, routes; secrets sealed under the entry's ID),
-- every answer a carrier gave (by the carrier's answer ID, so a duplicate is
-- recognised, with what was done with it), and an order's submission
-- (porting.CarrierLink, with the entry and reference copied into columns so a
-- callback finds its order). Keep in step with
-- migrations/sqlite/0009_carrier_exchange.sql.

CREATE TABLE carriers (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    aliases        JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(aliases) = 'array'),
    countries      JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(countries) = 'array'),
    gateway        TEXT NOT NULL CHECK (gateway IN ('manual', 'http', 'twilio')),
    settings       JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
    secrets_sealed BYTEA,
    routes         JSONB NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(routes) = 'array'),
    enabled        BOOLEAN NOT NULL,
    version        INTEGER NOT NULL CHECK (version > 0),
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE UNIQUE INDEX carriers_name ON carriers (lower(name));
CREATE INDEX carriers_created ON carriers (created_at, id);

CREATE TABLE carrier_answers (
    carrier_id    TEXT NOT NULL, -- a carriers.id, or 'manual' for staff entries without an entry
    answer_id     TEXT NOT NULL,
    port_order_id TEXT REFERENCES port_orders (id),
    kind          TEXT NOT NULL,
    sequence      BIGINT NOT NULL,
    outcome       TEXT NOT NULL,
    body          JSONB NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (carrier_id, answer_id)
);

CREATE INDEX carrier_answers_order ON carrier_answers (port_order_id, received_at);

ALTER TABLE port_orders
    ADD COLUMN carrier           JSONB,
    ADD COLUMN carrier_id        TEXT,
    ADD COLUMN carrier_reference TEXT;

CREATE INDEX port_orders_carrier_reference ON port_orders (carrier_id, carrier_reference)
    WHERE carrier_reference IS NOT NULL;
