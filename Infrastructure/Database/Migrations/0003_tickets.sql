-- Maintenance tickets on machines, with a status workflow and the history of every status change.

CREATE TABLE machines (
    id            uuid        PRIMARY KEY,
    account_id    uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    location      text        NULL,
    serial_number text        NULL,
    created_at    timestamptz NOT NULL,
    -- The target of the tickets' (account_id, machine_id) foreign key: a ticket can only name a machine of its
    -- own account, whatever the application code does.
    UNIQUE (account_id, id)
);
CREATE INDEX machines_account ON machines (account_id, created_at, id);

CREATE TABLE tickets (
    id            uuid        PRIMARY KEY,
    account_id    uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title         text        NOT NULL,
    description   text        NULL,
    status        text        NOT NULL CHECK (status IN ('received', 'diagnostic', 'in_progress', 'waiting_parts', 'completed', 'archived')),
    priority      text        NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    machine_id    uuid        NULL,
    -- Same-account assignees are checked by the endpoints (users never change account).
    assignee_id   uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    scheduled_at  timestamptz NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    FOREIGN KEY (account_id, machine_id) REFERENCES machines (account_id, id)
);

-- Every list filter walks an index in the list's keyset order (created_at DESC, id DESC), so a page costs
-- the rows it returns, not the account's whole history.
CREATE INDEX tickets_account_created ON tickets (account_id, created_at DESC, id DESC);
CREATE INDEX tickets_account_status ON tickets (account_id, status, created_at DESC, id DESC);
CREATE INDEX tickets_account_assignee ON tickets (account_id, assignee_id, created_at DESC, id DESC) WHERE assignee_id IS NOT NULL;
CREATE INDEX tickets_account_machine ON tickets (account_id, machine_id, created_at DESC, id DESC) WHERE machine_id IS NOT NULL;
-- Overdue candidates: scheduled and not yet past diagnostic. Closed tickets (the millions) are not in this
-- index at all, so `overdue=true` and the overdue sweep stay fast however many tickets an account closes.
-- The predicate must stay the one Workflow.IsOverdue and the list query spell out, or the planner cannot use it.
CREATE INDEX tickets_overdue ON tickets (account_id, scheduled_at, id)
    WHERE status IN ('received', 'diagnostic') AND scheduled_at IS NOT NULL;

-- One row per status change, the ticket's creation included (from_status NULL), written in the same
-- transaction as the change. The identity key orders a ticket's history: rows are inserted while the ticket
-- row is locked, so the order of the keys is the order of the changes even when two share an instant.
CREATE TABLE ticket_history (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    ticket_id    uuid        NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    from_status  text        NULL,
    to_status    text        NOT NULL,
    note         text        NULL,
    -- NULL when an integration (API key) opened the ticket.
    by_user_id   uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    at           timestamptz NOT NULL
);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, id);
