-- The sandbox clock's offset from the wall clock, in nanoseconds: kept in
-- the database so that every replica reads the same advanced time and an
-- advance survives a restart. One row; it only grows.
CREATE TABLE sandbox_clock (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    offset_ns INTEGER NOT NULL CHECK (offset_ns >= 0)
) STRICT;
INSERT INTO sandbox_clock (id, offset_ns) VALUES (1, 0);
