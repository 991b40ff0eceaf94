-- Scenario 1 baseline, first part: the values POST /api/conversations/{id}/messages computes in-process (a version-7
-- id, the clock, the target conversation). The harness appends the statement the request runs (Data.PostSql of
-- Features/Messages/Send/Data.cs, read from the source, its parameters bound to these variables) and, for the second
-- baseline, the unread recount the post causes (CountSql of Features/ReadReceipts/UnreadCounts.cs). The scripts
-- pgbench ran are in results/raw/.
-- Variables (-D): targets, account, poster, poster_name.
\set c random(1, :targets)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
        || '8' || substr(md5(random()::text), 4, 15))::uuid AS message_id,
       md5('conv-' || :c)::uuid AS conversation_id, md5('bench-user-' || (1 + :c % 9))::uuid AS other, clock_timestamp() AS now \gset
