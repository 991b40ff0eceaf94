-- Scenario 2 baseline: the two statements GET /api/conversations?limit=50 runs, as the service sends them: the page
-- of keys (Features/Conversations/List/Data.cs), then ConversationReader.LoadSql: the page's
-- conversations with their last message, participants and the caller's unread count. The service sends the page's
-- ids as one uuid[] parameter (= ANY); the harness puts the first page's ids in place of :page_ids (an ARRAY[...]
-- of them) before running this. Variables (-D): account, caller.
SELECT last_activity_at, id FROM conversations WHERE account_id = :account ORDER BY last_activity_at DESC, id DESC LIMIT 51;
SELECT c.id, c.subject, c.channel, c.status, c.contact_name, c.contact_email, c.contact_phone,
       c.contact_external_id, c.assignee_id, c.last_activity_at, c.created_at,
       m.id AS message_id, m.direction AS message_direction, m.body AS message_body,
       m.sender_type AS message_sender_type, m.sender_user_id AS message_sender_user_id,
       m.sender_api_key_id AS message_sender_api_key_id, m.sender_name AS message_sender_name,
       m.created_at AS message_created_at,
       coalesce(participants.ids, '{}') AS participant_ids,
       coalesce(mine.unread_count, 0) AS unread_count,
       coalesce(mine.muted, false) AS muted
FROM conversations c
LEFT JOIN messages m ON m.id = c.last_message_id
LEFT JOIN LATERAL (
    SELECT array_agg(p.user_id ORDER BY p.joined_at, p.user_id) AS ids
    FROM conversation_participants p
    WHERE p.conversation_id = c.id
) participants ON true
LEFT JOIN participant_unread mine ON mine.conversation_id = c.id AND mine.user_id = :caller
WHERE c.account_id = :account AND c.id = ANY(ARRAY[:page_ids]);
