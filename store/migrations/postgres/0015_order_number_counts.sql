-- How many of an order's numbers are in each number status, kept on the
-- order by the store whenever it writes the order's numbers, so reading an
-- order (and every write, which reads it first) costs the same for one
-- number as for 100,000; and an index that pages an order's numbers in one
-- status. The primary key (order_id, position) pages all of them. Keep in
-- step with migrations/sqlite/0015_order_number_counts.sql.

ALTER TABLE port_orders ADD COLUMN number_counts JSONB NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(number_counts) = 'object');

UPDATE port_orders SET number_counts = coalesce((SELECT jsonb_object_agg(status, n) FROM
    (SELECT status, count(*) AS n FROM port_order_numbers WHERE order_id = port_orders.id GROUP BY status) c), '{}');

CREATE INDEX port_order_numbers_status ON port_order_numbers (order_id, status, position);
