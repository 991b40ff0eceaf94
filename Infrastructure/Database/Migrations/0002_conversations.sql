-- Conversations, their messages, and each participant's read receipt and mute flag.
--
-- Ordering: every message takes the next value of its conversation's last_seq, assigned by the UPDATE that
-- also sets last_message_id, in the same transaction as the message INSERT. The UPDATE holds the conversation
-- row lock until commit, so two posts to one conversation are serialised and seq order is commit order: a
-- client that has seen seq N never later receives a message with a smaller seq (what ?after= catch-up and the
-- receipts rely on).
--
-- Unread counts are not stored: they are counted on read from the receipt (participant_unread below), so there is
-- no counter that concurrent posts and mark-reads could leave wrong. The count is an index-only range scan of
-- messages_conversation_seq from the receipt's seq, i.e. proportional to what is unread, not to history.

CREATE TABLE conversations (
    id                  uuid        PRIMARY KEY,
    account_id          uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    subject             text        NULL,
    channel             text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('open', 'pending', 'resolved')),
    contact_name        text        NULL,
    contact_email       text        NULL,
    contact_phone       text        NULL,
    contact_external_id text        NULL,
    assignee_id         uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    last_message_id     uuid        NULL,
    last_activity_at    timestamptz NOT NULL,
    last_seq            bigint      NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL
);
-- The list is "most recent activity first" with keyset (last_activity_at, id) < cursor, optionally filtered by
-- status or assignee: one index per filter, each ending in the sort key, so every variant is an index scan that
-- stops after limit + 1 rows.
CREATE INDEX conversations_activity ON conversations (account_id, last_activity_at DESC, id DESC);
CREATE INDEX conversations_status_activity ON conversations (account_id, status, last_activity_at DESC, id DESC);
CREATE INDEX conversations_assignee_activity ON conversations (account_id, assignee_id, last_activity_at DESC, id DESC);

CREATE TABLE messages (
    id                uuid        PRIMARY KEY,
    account_id        uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    conversation_id   uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq               bigint      NOT NULL,
    direction         text        NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    body              text        NOT NULL,
    sender_type       text        NOT NULL CHECK (sender_type IN ('user', 'contact', 'integration')),
    sender_user_id    uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    sender_api_key_id uuid        NULL REFERENCES api_keys (id) ON DELETE SET NULL,
    sender_name       text        NOT NULL,
    created_at        timestamptz NOT NULL
);
-- Pages of messages (newest first, or oldest first after a seq) and unread counts are range scans of this index;
-- sender_user_id is included so counting "not sent by me" never visits the table.
CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq) INCLUDE (sender_user_id);

-- Deferred: a post sets last_message_id in the same transaction, just before it inserts that message.
ALTER TABLE conversations
    ADD CONSTRAINT conversations_last_message FOREIGN KEY (last_message_id) REFERENCES messages (id)
    DEFERRABLE INITIALLY DEFERRED;

-- A participant: the user who started or posted in the conversation, its assignee, users named at creation, and
-- anyone who marked it read or muted it. last_read_seq only ever grows (GREATEST / a guarded upsert).
CREATE TABLE conversation_participants (
    conversation_id      uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id              uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id           uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    last_read_seq        bigint      NOT NULL DEFAULT 0,
    last_read_message_id uuid        NULL REFERENCES messages (id) ON DELETE SET NULL,
    last_read_at         timestamptz NULL,
    muted                boolean     NOT NULL DEFAULT false,
    joined_at            timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
-- GET /api/unread and the unread totals walk one user's participations.
CREATE INDEX conversation_participants_user ON conversation_participants (user_id, conversation_id);

-- The one definition of "unread": messages of the conversation after the participant's last read one that they
-- did not send themselves. The planner inlines the view, and the sub-select runs only for the rows a query keeps
-- and only when unread_count is selected.
CREATE VIEW participant_unread AS
SELECT p.conversation_id,
       p.user_id,
       p.account_id,
       p.last_read_seq,
       p.last_read_message_id,
       p.last_read_at,
       p.muted,
       p.joined_at,
       (SELECT count(*)
          FROM messages m
         WHERE m.conversation_id = p.conversation_id
           AND m.seq > p.last_read_seq
           AND m.sender_user_id IS DISTINCT FROM p.user_id) AS unread_count
  FROM conversation_participants p;
