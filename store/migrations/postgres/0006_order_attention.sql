-- What a person must look at on an order (porting.Attention, a JSON list:
-- deadlines that could not do their work) and a port date staff accepted
-- against the porting rules (porting.FOCOverride). Keep in step with
-- migrations/sqlite/0006_order_attention.sql.

ALTER TABLE port_orders
    ADD COLUMN attention    JSONB NOT NULL DEFAULT '[]',
    ADD COLUMN foc_override JSONB;

CREATE INDEX port_orders_attention ON port_orders (created_at, id) WHERE attention <> '[]'::jsonb;
