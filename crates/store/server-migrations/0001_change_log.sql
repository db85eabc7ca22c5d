-- The pharmacy's server (PostgreSQL) for several PCs (docs/multi-pc.md): the
-- ordered change log every PC sends its outbox to and pulls from.

-- The PCs that joined. `number` picks each PC's ID range (number × 2^40 + n);
-- PC 0 is the single-PC database that moved onto the server. Exactly one PC
-- may run the receipt-computer feed.
CREATE TABLE pc (
    number        INTEGER PRIMARY KEY CHECK (number BETWEEN 0 AND 8191),
    name          TEXT NOT NULL,
    joined_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    receipt_feed  BOOLEAN NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX pc_one_receipt_feed ON pc (receipt_feed) WHERE receipt_feed;

-- Every write of every PC, once (`op_id` is made on the PC), numbered in the
-- order the server committed them: `seq` is given under a lock held to the
-- commit, so a PC that has read up to n never misses a later commit with a
-- smaller number. `changes` and `log` are the outbox's JSON, kept as text.
CREATE TABLE change_log (
    seq          BIGINT PRIMARY KEY,
    op_id        TEXT NOT NULL UNIQUE,
    pc           INTEGER NOT NULL REFERENCES pc (number),
    made_at      TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    changes      TEXT NOT NULL,
    log          TEXT NOT NULL
);
