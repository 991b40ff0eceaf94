-- The recount a message post causes (Features/ReadReceipts/UnreadCounts.cs, CountSql), for the participant the
-- post concerns. The service runs it after the answer, one statement per batch of queued changes (coalescing a
-- burst); appended to post-message.sql it runs once per post. Uses post-message.sql's variables.
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
