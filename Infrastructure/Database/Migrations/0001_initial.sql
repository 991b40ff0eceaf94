-- Accounts, users, sessions (refresh-token families), API keys and idempotency records.
-- Every tenant-owned table carries account_id, and every lookup by id is also filtered by it.

CREATE TABLE accounts (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    account_id    uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    email         text        NOT NULL,
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('admin', 'agent')),
    created_at    timestamptz NOT NULL
);
-- Emails are unique across the whole service and compared case-insensitively.
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
CREATE INDEX users_account ON users (account_id, created_at, id);

-- A session is one sign-in: the family of refresh tokens that descend from it. Its id is the "sid" claim of
-- every access token it issues, so a revoked session can be recognised on live connections.
CREATE TABLE sessions (
    id          uuid        PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Refresh tokens are stored only as SHA-256 hashes. A token is spent once it has been exchanged; presenting a
-- spent token again revokes its whole session.
CREATE TABLE refresh_tokens (
    id          uuid        PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    spent_at    timestamptz NULL
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- API keys: the public prefix finds the row, the SHA-256 hash of the whole key proves it.
CREATE TABLE api_keys (
    id          uuid        PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        text        NOT NULL,
    prefix      text        NOT NULL UNIQUE,
    key_hash    bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL
);
CREATE INDEX api_keys_account ON api_keys (account_id, created_at, id);

-- Idempotency-Key records. The primary key decides races between concurrent duplicates: the first INSERT wins,
-- the others see the row. status_code stays NULL while the first request is still in flight.
CREATE TABLE idempotency_records (
    account_id    uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key           text        NOT NULL,
    request_hash  bytea       NOT NULL,
    status_code   integer     NULL,
    content_type  text        NULL,
    response_body bytea       NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_records_created ON idempotency_records (created_at);
