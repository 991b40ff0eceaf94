-- Scenario 5 baseline, first part: the values a fan-out POST computes in-process, for a message posted by a socket
-- account's admin into one of its 10 rooms (the conversations the sockets of scenario 5 are subscribed to), as
-- ws-load.mjs posts them. The harness appends the statement the request runs (Data.PostSql of
-- Features/Messages/Send/Data.cs, read from the source and bound as in scenario 1). The script pgbench ran is in
-- results/raw/. Variables (-D): accounts (how many socket accounts post).
\set a random(1, :accounts)
\set r random(0, 9)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
        || '8' || substr(md5(random()::text), 4, 15))::uuid AS message_id,
       md5('sock-room-' || :a || '-' || :r)::uuid AS conversation_id, md5('sock-account-' || :a)::uuid AS account,
       md5('sock-user-' || :a || '-0')::uuid AS poster, 'Agent ' || :a || '-0' AS poster_name, clock_timestamp() AS now \gset
