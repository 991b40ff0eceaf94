-- Scenario 1 baseline: the statements POST /api/conversations/{id}/messages causes (Features/Messages/Send/Data.cs
-- in the request, then the recount of Features/ReadReceipts/UnreadCounts.cs), as Npgsql sends them, with the same
-- parameters.
-- The first SELECT only makes the values the service computes in-process (a version-7 id, the clock, the target).
-- Variables (-D): targets, account, poster, poster_name.
\set c random(1, :targets)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
        || '8' || substr(md5(random()::text), 4, 15))::uuid AS message_id,
       md5('conv-' || :c)::uuid AS conversation_id, md5('bench-user-' || (1 + :c % 9))::uuid AS other, clock_timestamp() AS now \gset
BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED;
UPDATE conversations
   SET last_seq = last_seq + 1,
       last_message_id = :message_id,
       last_activity_at = GREATEST(last_activity_at, :now)
 WHERE id = :conversation_id AND account_id = :account
RETURNING last_seq, contact_name, contact_email, contact_phone, contact_external_id \gset
INSERT INTO messages
	(
		id,
		account_id,
		conversation_id,
		seq,
		direction,
		body,
		sender_type,
		sender_user_id,
		sender_api_key_id,
		sender_name,
		created_at
	)
	VALUES
	(
		:message_id,
		:account,
		:conversation_id,
		:last_seq,
		'outgoing',
		'Bonjour, merci pour votre retour. Le technicien passera demain matin (bench 12345).',
		'user',
		:poster,
		NULL,
		:poster_name,
		:now
	);
SELECT
		p.user_id
	FROM
		conversation_participants p
	WHERE
		p.conversation_id = :conversation_id AND p.account_id = :account AND
		p.user_id <> :poster;
INSERT INTO conversation_participants (conversation_id, user_id, account_id, joined_at)
	VALUES (:conversation_id, :poster, :account, :now)
	ON CONFLICT (conversation_id, user_id) DO NOTHING;
COMMIT;
-- After the commit and off the request path (ReadReceipts/UnreadCounts.cs), the recount of the participants
-- the post concerns: one statement per batch of changes in the service, one per post here.
WITH pairs AS (
    SELECT * FROM unnest(ARRAY[:account::uuid], ARRAY[:conversation_id::uuid], ARRAY[:other::uuid]) AS x(account_id, conversation_id, user_id)
), totals AS (
    SELECT u.account_id, u.user_id,
           (SELECT coalesce(sum(q.unread_count), 0)
              FROM participant_unread q
              JOIN conversations c ON c.id = q.conversation_id
             WHERE q.account_id = u.account_id AND q.user_id = u.user_id AND NOT q.muted
               AND c.last_seq > q.last_read_seq) AS total
      FROM (SELECT DISTINCT account_id, user_id FROM pairs) u
)
SELECT p.account_id, p.conversation_id, p.user_id, p.unread_count, t.total
  FROM pairs x
  JOIN participant_unread p ON p.account_id = x.account_id AND p.conversation_id = x.conversation_id AND p.user_id = x.user_id
  JOIN totals t ON t.account_id = x.account_id AND t.user_id = x.user_id;
