-- One sealed known value, written with the first key: a server started
-- with another key (a lost secret.key, a replica with a different
-- PORTDESK_SECRET_KEY) is refused instead of writing rows nobody can read.
CREATE TABLE secret_check (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    sealed BLOB NOT NULL
) STRICT;
