-- Presence shared by every instance of the service, so GET /api/presence and the presence broadcasts agree
-- whichever instance a client talks to.
--
-- presence_connections: one row per (instance, user) with live sockets on that instance, refreshed by the
-- instance every few seconds. A row not refreshed for twice the heartbeat belongs to a crashed instance and is
-- deleted by whichever instance sweeps first; a user with no live row is offline.
CREATE TABLE presence_connections (
    instance_id  uuid        NOT NULL,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    connections  integer     NOT NULL,
    viewing      uuid        NULL,
    refreshed_at timestamptz NOT NULL,
    PRIMARY KEY (instance_id, user_id)
);
CREATE INDEX presence_connections_user ON presence_connections (user_id, refreshed_at);
CREATE INDEX presence_connections_viewing ON presence_connections (account_id, viewing) WHERE viewing IS NOT NULL;
CREATE INDEX presence_connections_refreshed ON presence_connections (refreshed_at);

-- The status a user chose (online, away, busy) and when they were last seen; kept while they are offline.
CREATE TABLE user_presence (
    user_id      uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status       text        NOT NULL CHECK (status IN ('online', 'away', 'busy')),
    last_seen_at timestamptz NOT NULL
);

-- Frames too large for a NOTIFY payload (PostgreSQL caps it under 8000 bytes) are parked here and announced
-- by id; receivers read them back. Rows are deleted after a minute.
CREATE TABLE realtime_payloads (
    id         uuid        PRIMARY KEY,
    frame      bytea       NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX realtime_payloads_created ON realtime_payloads (created_at);

-- Instances alive, so a lone instance can skip NOTIFY altogether.
CREATE TABLE realtime_instances (
    id      uuid        PRIMARY KEY,
    seen_at timestamptz NOT NULL
);
