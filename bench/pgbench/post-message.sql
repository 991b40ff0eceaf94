-- Scenario 1 baseline: the statement POST /api/conversations/{id}/messages runs before it answers
-- (Features/Messages/Send/Data.cs, PostAsync: one statement, its own transaction), with the same parameters. The
-- unread recount the post causes runs after the answer, off the request path: unread-recount.sql, which the harness
-- appends to this script for the second baseline ("one recount per post").
-- The first SELECT only makes the values the service computes in-process (a version-7 id, the clock, the target).
-- Variables (-D): targets, account, poster, poster_name.
\set c random(1, :targets)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
        || '8' || substr(md5(random()::text), 4, 15))::uuid AS message_id,
       md5('conv-' || :c)::uuid AS conversation_id, md5('bench-user-' || (1 + :c % 9))::uuid AS other, clock_timestamp() AS now \gset
WITH claimed AS (
    UPDATE conversations
       SET last_seq = last_seq + 1,
           last_message_id = :message_id,
           last_activity_at = GREATEST(last_activity_at, :now)
     WHERE id = :conversation_id AND account_id = :account
    RETURNING last_seq, coalesce(contact_name, contact_email, contact_phone, contact_external_id, 'Contact') AS contact
), inserted AS (
    INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_user_id,
                          sender_api_key_id, sender_name, created_at)
    SELECT :message_id, :account, :conversation_id, claimed.last_seq, 'outgoing',
           'Bonjour, merci pour votre retour. Le technicien passera demain matin (bench 12345).', 'user', :poster,
           NULL, CASE WHEN 'user' = 'contact' THEN claimed.contact ELSE :poster_name END, :now
    FROM claimed
    RETURNING seq, sender_name
), joined AS (
    INSERT INTO conversation_participants (conversation_id, user_id, account_id, joined_at)
    SELECT :conversation_id, :poster, :account, :now FROM claimed WHERE :poster::uuid IS NOT NULL
    ON CONFLICT (conversation_id, user_id) DO NOTHING
    RETURNING user_id
)
SELECT inserted.seq, inserted.sender_name,
       ARRAY(SELECT p.user_id FROM conversation_participants p
             WHERE p.conversation_id = :conversation_id AND p.account_id = :account
               AND p.user_id IS DISTINCT FROM :poster::uuid) AS others,
       EXISTS (SELECT 1 FROM joined) AS poster_joined
FROM inserted;
