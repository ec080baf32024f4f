-- The PostgreSQL schema, as SQLite's stands at its version 10 (src/server/store/schema.rs):
-- the same tables and columns with the same meanings. Dates and instants are ISO text, as the
-- store writes and compares them on both backends. Every text column compares byte by byte
-- (COLLATE "C"), as SQLite's do, whatever the database's locale: stamps sort in time order, and
-- lower() folds ASCII only, as SQLite's NOCASE does. Append only: a later change is a new file,
-- V2__….sql, and a released file never changes.

-- The requests as captured, their lifecycle and where each stands under the delay rule.
CREATE TABLE requests (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    sku TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    holds_units BOOLEAN NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    email TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C",
    consent_text TEXT COLLATE "C" NOT NULL,
    consent_given BOOLEAN NOT NULL,
    expected_date TEXT COLLATE "C",
    shown_expected_date TEXT COLLATE "C",
    locale TEXT COLLATE "C",
    page TEXT COLLATE "C",
    idempotency_key TEXT COLLATE "C" NOT NULL,
    request_hash TEXT COLLATE "C" NOT NULL,
    response_json TEXT COLLATE "C" NOT NULL,
    cancel_token_hash TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C",
    received_at TEXT COLLATE "C" NOT NULL,
    cancelled_at TEXT COLLATE "C",
    status TEXT COLLATE "C" NOT NULL DEFAULT 'waiting',
    allocated BIGINT NOT NULL DEFAULT 0,
    ships_by TEXT COLLATE "C",
    promise_date TEXT COLLATE "C",
    notices BIGINT NOT NULL DEFAULT 0,
    awaiting_consent BOOLEAN NOT NULL DEFAULT FALSE,
    offered_date TEXT COLLATE "C",
    consent_by TEXT COLLATE "C",
    cancelled_by TEXT COLLATE "C",
    refund_due TEXT COLLATE "C",
    shipped_at TEXT COLLATE "C",
    units_ahead BIGINT,
    notified_at TEXT COLLATE "C",
    confirmed_at TEXT COLLATE "C",
    -- Named: a key stored by another replica meanwhile is told apart from other conflicts.
    CONSTRAINT requests_idempotency_key UNIQUE (idempotency_key)
);
CREATE INDEX requests_in_line ON requests (sku, seq)
    WHERE holds_units AND status IN ('waiting', 'ready', 'delayed');
CREATE INDEX requests_by_shopper ON requests (sku, lower(email))
    WHERE status IN ('waiting', 'ready', 'delayed');

-- The shop's configuration and where its stock came from.
CREATE TABLE shop (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    config_json TEXT COLLATE "C" NOT NULL,
    origin TEXT COLLATE "C" NOT NULL DEFAULT 'file' CHECK (origin IN ('demo', 'file', 'api'))
);

-- One row per product: the merchant's record and its line's counters. A change to a product's
-- line locks its row first.
CREATE TABLE stock (
    sku TEXT COLLATE "C" PRIMARY KEY,
    position BIGINT NOT NULL,
    record_json TEXT COLLATE "C" NOT NULL,
    set_aside BIGINT NOT NULL DEFAULT 0 CHECK (set_aside >= 0),
    waiting BIGINT NOT NULL DEFAULT 0 CHECK (waiting >= 0),
    in_line BIGINT NOT NULL DEFAULT 0 CHECK (in_line >= 0),
    updated_at TEXT COLLATE "C" NOT NULL
);

-- Each request's history, append only.
CREATE TABLE history (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id TEXT COLLATE "C" NOT NULL,
    at TEXT COLLATE "C" NOT NULL,
    what TEXT COLLATE "C" NOT NULL,
    old_date TEXT COLLATE "C",
    new_date TEXT COLLATE "C",
    notice TEXT COLLATE "C",
    due TEXT COLLATE "C",
    units BIGINT
);
CREATE INDEX history_of_request ON history (request_id, seq);

-- The event outbox: one Standard Webhooks envelope per row, and its delivery. A worker claims
-- a row by moving `next_attempt_at` on and naming its replica in `claimed_by`.
CREATE TABLE events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    type TEXT COLLATE "C" NOT NULL,
    request_id TEXT COLLATE "C",
    body TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT COLLATE "C" NOT NULL,
    last_status BIGINT,
    last_error TEXT COLLATE "C",
    delivered_at TEXT COLLATE "C",
    gave_up_at TEXT COLLATE "C",
    -- The replica whose worker holds the row until `next_attempt_at`, if any.
    claimed_by TEXT COLLATE "C"
);
CREATE INDEX events_due ON events (next_attempt_at, seq)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;

-- The email outbox: each email's facts, and its sending.
CREATE TABLE mails (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT COLLATE "C" NOT NULL UNIQUE,
    request_id TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    to_address TEXT COLLATE "C" NOT NULL,
    data TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT COLLATE "C" NOT NULL,
    last_status BIGINT,
    last_error TEXT COLLATE "C",
    delivered_at TEXT COLLATE "C",
    gave_up_at TEXT COLLATE "C",
    claimed_by TEXT COLLATE "C"
);
CREATE INDEX mails_due ON mails (next_attempt_at, seq)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;

-- The merchant's page's log-ins, found by the hash of their cookie.
CREATE TABLE sessions (
    id_hash TEXT COLLATE "C" PRIMARY KEY,
    csrf TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    flash TEXT COLLATE "C"
);
