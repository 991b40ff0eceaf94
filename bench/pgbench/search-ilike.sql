-- Scenario 3 baseline: search as Chatwoot does it, a full scan with ILIKE over the account's messages, newest
-- first, one page. Variables (-D): account, pattern (e.g. %merci%).
SELECT m.id, m.conversation_id, m.direction, m.body, m.sender_type, m.sender_user_id, m.sender_api_key_id,
       m.sender_name, m.created_at
FROM messages m
WHERE m.account_id = :account AND m.body ILIKE :pattern
ORDER BY m.created_at DESC
LIMIT 21;
