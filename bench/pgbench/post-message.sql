-- Scenario 1 baseline: the statements POST /api/conversations/{id}/messages runs before it answers
-- (Features/Messages/Send/Data.cs), as Npgsql sends them, with the same parameters. The unread recount the post
-- causes runs after the answer, off the request path: unread-recount.sql, which the harness appends to this script
-- for the second baseline ("one recount per post").
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
