-- What a person must look at on an order (porting.Attention, a JSON list:
-- deadlines that could not do their work) and a port date staff accepted
-- against the porting rules (porting.FOCOverride). Keep in step with
-- migrations/postgres/0006_order_attention.sql.

ALTER TABLE port_orders ADD COLUMN attention TEXT NOT NULL DEFAULT '[]';
ALTER TABLE port_orders ADD COLUMN foc_override TEXT;

CREATE INDEX port_orders_attention ON port_orders (created_at, id) WHERE attention <> '[]';
