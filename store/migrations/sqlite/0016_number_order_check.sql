-- Nothing to change on SQLite: its foreign key from port_order_numbers to
-- port_orders is an index lookup in process, cheap per row. On PostgreSQL
-- (migrations/postgres/0016_number_order_check.sql) the same rule moves
-- to one set-based check per statement.
SELECT 1;
