-- Stored unread counts (issue 16). Counting on read walked every conversation a user takes part in for their
-- total, so a post's notifications and GET /api/unread grew with the recipients' history. From here on:
--
--   conversation_participants.unread_count  messages of the conversation after the receipt that the participant
--                                           did not send (muted or not), kept by the statements that change it
--   unread_totals (user_id, slot).total      the sum of unread_count over the user's unmuted conversations whose
--                                           unread_slot() is slot; a user's total is the sum of their (<= 16) rows
--   conversations.participant_ids            every participant of the conversation (the post's roster), written
--                                           only under the conversation's row lock, together with the row insert
--
-- Why a roster on the conversation row: a post is one statement with one snapshot, taken before it waits for the
-- conversation's row lock. A participant that joined (under that lock) and committed while the post waited is not
-- in the snapshot, but it is in the row version the post's UPDATE ... RETURNING hands back. The post bumps the
-- participants that roster names with INSERT ... ON CONFLICT DO UPDATE, which locks and updates the newest
-- version of each row whether the snapshot sees it or not.
--
-- Why slots: every post adds 1 to the total of each unmuted recipient and holds that row until it commits. With one
-- row per user, posts into different conversations of a busy agent would queue on it; with 16 rows per user (the
-- slot is fixed per conversation by its id) they queue only when their conversations share a slot.
--
-- Lock order, everywhere: the conversation row, then participant rows (one conversation's, in user id order),
-- then unread_totals rows in (user_id, slot) order. See docs/conversations.md, and ./run.sh recount-unread for
-- the repair.

CREATE FUNCTION unread_slot(conversation uuid) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (get_byte(uuid_send(conversation), 15) & 15)::smallint $$;

ALTER TABLE conversation_participants
    ADD COLUMN unread_count bigint NOT NULL DEFAULT 0
        CONSTRAINT conversation_participants_unread_count_not_negative CHECK (unread_count >= 0);

ALTER TABLE conversations ADD COLUMN participant_ids uuid[] NOT NULL DEFAULT '{}';

CREATE TABLE unread_totals (
    user_id uuid     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    slot    smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    total   bigint   NOT NULL CONSTRAINT unread_totals_total_not_negative CHECK (total >= 0),
    PRIMARY KEY (user_id, slot)
);

-- Backfill from the messages, with the one definition of unread the view had.
UPDATE conversation_participants p
   SET unread_count = (SELECT count(*)
                         FROM messages m
                        WHERE m.conversation_id = p.conversation_id
                          AND m.seq > p.last_read_seq
                          AND m.sender_user_id IS DISTINCT FROM p.user_id)
 WHERE EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = p.conversation_id AND m.seq > p.last_read_seq);

UPDATE conversations c
   SET participant_ids = ARRAY(SELECT p.user_id FROM conversation_participants p
                                WHERE p.conversation_id = c.id ORDER BY p.joined_at, p.user_id)
 WHERE EXISTS (SELECT 1 FROM conversation_participants p WHERE p.conversation_id = c.id);

INSERT INTO unread_totals (user_id, slot, total)
SELECT user_id, unread_slot(conversation_id), sum(unread_count)
  FROM conversation_participants
 WHERE NOT muted AND unread_count > 0
 GROUP BY 1, 2;

-- GET /api/unread lists a user's conversations with something unread or muted: only those rows are indexed, so
-- the answer costs what is unread, not how many conversations the user is in.
CREATE INDEX conversation_participants_unread ON conversation_participants (user_id, conversation_id)
    WHERE unread_count > 0 OR muted;

-- Nothing reads the count-on-read view any more.
DROP VIEW participant_unread;
