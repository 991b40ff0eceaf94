-- Overdue-ticket webhooks: endpoints per account, the events to deliver, the 24 h notification windows, and
-- the log of every delivery attempt.

-- Deleting an endpoint keeps its row (deleted_at, secret blanked) so its delivery log keeps pointing somewhere.
CREATE TABLE webhook_endpoints (
    id           uuid        PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    url          text        NOT NULL,
    events       text[]      NOT NULL,
    -- Needed in clear to sign (HMAC), so it cannot be stored as a hash like API keys are.
    secret       text        NOT NULL,
    -- false once a receiver answered 410 Gone.
    enabled      boolean     NOT NULL,
    created_at   timestamptz NOT NULL,
    disabled_at  timestamptz NULL,
    deleted_at   timestamptz NULL
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, created_at, id) WHERE deleted_at IS NULL;

-- One event for one endpoint (its webhook-id is event_id), with its retry state. The payload is stored as
-- the exact text that is signed, so every retry and every replay posts the same bytes.
CREATE TABLE webhook_deliveries (
    id               uuid        PRIMARY KEY,
    account_id       uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    endpoint_id      uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- NULL for webhook.test events.
    ticket_id        uuid        NULL REFERENCES tickets (id) ON DELETE CASCADE,
    event_id         text        NOT NULL UNIQUE,
    type             text        NOT NULL,
    payload          text        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL,
    max_attempts     integer     NOT NULL,
    -- When the next attempt is due (pending only): retries survive a restart because they live here.
    next_attempt_at  timestamptz NULL,
    -- Set by the instance that is posting right now; another instance takes the delivery over only after it.
    leased_until     timestamptz NULL,
    created_at       timestamptz NOT NULL
);
-- The due-delivery pick (FOR UPDATE SKIP LOCKED) walks this index, which holds only pending deliveries.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint_pending ON webhook_deliveries (endpoint_id) WHERE state = 'pending';

-- The exactly-once decision: one row per (endpoint, ticket) holding the start of its current 24 h window.
-- A sweep claims a window with INSERT … ON CONFLICT DO UPDATE … WHERE window_start <= now - 24 h: PostgreSQL
-- serialises concurrent claims on the primary key and re-checks the WHERE against the winner's row, so of any
-- number of instances (or the cron trigger) claiming at once exactly one gets the window. A unique constraint
-- on (endpoint, ticket, window_start) would need every instance to compute the same window_start; with windows
-- aligned to a grid two claims either side of a boundary would post twice within minutes.
CREATE TABLE webhook_windows (
    endpoint_id   uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    ticket_id     uuid        NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    window_start  timestamptz NOT NULL,
    PRIMARY KEY (endpoint_id, ticket_id)
);

-- Every attempt (the contract's delivery log).
CREATE TABLE webhook_notifications (
    id             uuid        PRIMARY KEY,
    account_id     uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    delivery_id    uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    endpoint_id    uuid        NOT NULL,
    ticket_id      uuid        NULL,
    event_id       text        NOT NULL,
    attempt        integer     NOT NULL,
    status_code    integer     NULL,
    error          text        NULL,
    duration_ms    integer     NOT NULL,
    sent_at        timestamptz NOT NULL,
    -- The first 1 KB of what the receiver answered.
    response_body  text        NULL
);
CREATE INDEX webhook_notifications_account ON webhook_notifications (account_id, sent_at DESC, id DESC);
CREATE INDEX webhook_notifications_ticket ON webhook_notifications (account_id, ticket_id, sent_at DESC, id DESC) WHERE ticket_id IS NOT NULL;
CREATE INDEX webhook_notifications_delivery ON webhook_notifications (delivery_id);
-- Retention deletes by age.
CREATE INDEX webhook_notifications_sent ON webhook_notifications (sent_at);

-- The sweep's selection across all accounts: overdue (the predicate of tickets_overdue in 0003, which
-- Workflow.OverdueStatuses spells) and assigned. Only open, scheduled, assigned tickets are in it.
CREATE INDEX tickets_overdue_assigned ON tickets (scheduled_at, id)
    WHERE status IN ('received', 'diagnostic') AND scheduled_at IS NOT NULL AND assignee_id IS NOT NULL;
