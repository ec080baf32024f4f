-- The PostgreSQL schema, as SQLite's stands at its version 10 (src/server/store/schema.rs):
-- the same tables and columns with the same meanings. Dates and instants are ISO text, as the
-- store writes and compares them on both backends. Append only: a later change is a new file,
-- V2__….sql, and a released file never changes.

-- The requests as captured, their lifecycle and where each stands under the delay rule.
CREATE TABLE requests (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    sku TEXT NOT NULL,
    kind TEXT NOT NULL,
    holds_units BOOLEAN NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    email TEXT NOT NULL,
    name TEXT,
    consent_text TEXT NOT NULL,
    consent_given BOOLEAN NOT NULL,
    expected_date TEXT,
    shown_expected_date TEXT,
    locale TEXT,
    page TEXT,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_json TEXT NOT NULL,
    cancel_token_hash TEXT NOT NULL,
    created_at TEXT,
    received_at TEXT NOT NULL,
    cancelled_at TEXT,
    status TEXT NOT NULL DEFAULT 'waiting',
    allocated BIGINT NOT NULL DEFAULT 0,
    ships_by TEXT,
    promise_date TEXT,
    notices BIGINT NOT NULL DEFAULT 0,
    awaiting_consent BOOLEAN NOT NULL DEFAULT FALSE,
    offered_date TEXT,
    consent_by TEXT,
    cancelled_by TEXT,
    refund_due TEXT,
    shipped_at TEXT,
    units_ahead BIGINT,
    notified_at TEXT,
    confirmed_at TEXT,
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
    config_json TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'file' CHECK (origin IN ('demo', 'file', 'api'))
);

-- One row per product: the merchant's record and its line's counters. A change to a product's
-- line locks its row first.
CREATE TABLE stock (
    sku TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    record_json TEXT NOT NULL,
    set_aside BIGINT NOT NULL DEFAULT 0 CHECK (set_aside >= 0),
    waiting BIGINT NOT NULL DEFAULT 0 CHECK (waiting >= 0),
    in_line BIGINT NOT NULL DEFAULT 0 CHECK (in_line >= 0),
    updated_at TEXT NOT NULL
);

-- Each request's history, append only.
CREATE TABLE history (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    request_id TEXT NOT NULL,
    at TEXT NOT NULL,
    what TEXT NOT NULL,
    old_date TEXT,
    new_date TEXT,
    notice TEXT,
    due TEXT,
    units BIGINT
);
CREATE INDEX history_of_request ON history (request_id, seq);

-- The event outbox: one Standard Webhooks envelope per row, and its delivery. A worker claims
-- a row by moving `next_attempt_at` on.
CREATE TABLE events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    request_id TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_status BIGINT,
    last_error TEXT,
    delivered_at TEXT,
    gave_up_at TEXT
);
CREATE INDEX events_due ON events (next_attempt_at, seq)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;

-- The email outbox: each email's facts, and its sending.
CREATE TABLE mails (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    request_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_status BIGINT,
    last_error TEXT,
    delivered_at TEXT,
    gave_up_at TEXT
);
CREATE INDEX mails_due ON mails (next_attempt_at, seq)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;

-- The merchant's page's log-ins, found by the hash of their cookie.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    flash TEXT
);
