-- Benchmark data for the inbox scenarios (1-6), in bulk SQL on a freshly migrated database.
-- Standard input: the Bogus text pool (seed/TextPool), one text per line. psql variables: conversations, per_conversation (messages each),
-- socket_accounts (accounts of 100 agents each, for the WebSocket scenarios).
--
-- The main account ("bench") holds conversations * per_conversation messages (1,000,000 in the full run): the
-- conversation list, the message POSTs and the searches all run against it, so indexes have their real size.
-- Its admin (bench-0@bench.test) is the caller: a participant of every conversation with 0 to 14 unread messages.
-- Bodies come from the pool; "kaolinite" is planted in one message of 50,000 (the rare search term), while
-- "merci" occurs naturally in about one message of five (the very common one).
--
-- Each socket account has an admin (index 0, who posts) and agents 1..100 (who hold the sockets), one live
-- session per user, and 10 conversations: room r is conversation r, its participants and subscribers agents
-- 10r+1 .. 10r+10.
\set ON_ERROR_STOP on
SET session_replication_role = replica;  -- bulk load: no per-row FK triggers (the data is consistent by construction)
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';

-- Secondary indexes are dropped for the load and built again after it (CREATE INDEX sorts once, far faster than
-- a million random index insertions); their definitions are read from the catalog, so the migrations stay the
-- only place that spells them. Indexes backing constraints (primary keys, unique) stay.
CREATE TEMP TABLE bench_saved_indexes AS
SELECT indexname, indexdef FROM pg_indexes i
WHERE schemaname = 'public' AND tablename IN ('messages', 'conversations', 'conversation_participants')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT indexname FROM bench_saved_indexes LOOP EXECUTE format('DROP INDEX %I', r.indexname); END LOOP;
END $$;

CREATE TEMP TABLE bench_text (i serial PRIMARY KEY, body text NOT NULL);
\copy bench_text (body) FROM pstdin
SELECT count(*) AS pool_size FROM bench_text \gset

-- Version-7-like uuids (48-bit millisecond time first), so ids sort by time as the service's Guid.CreateVersion7 do.
CREATE FUNCTION pg_temp.uuid7(ts timestamptz, salt text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT (lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || substr(md5(salt), 1, 3)
            || '8' || substr(md5(salt), 4, 15))::uuid
$$;

-- The bench account, its admin (the caller) and 9 agents.
INSERT INTO accounts (id, name, created_at) VALUES ('b0000000-0000-4000-8000-000000000000', 'bench', now() - interval '1 year');
INSERT INTO users (id, account_id, name, email, password_hash, role, created_at)
SELECT md5('bench-user-' || u)::uuid, 'b0000000-0000-4000-8000-000000000000', 'Bench agent ' || u, 'bench-' || u || '@bench.test',
       'not-a-password-hash', CASE WHEN u = 0 THEN 'admin' ELSE 'agent' END, now() - interval '1 year'
FROM generate_series(0, 9) u;

-- Scenario 9's support agent (bench-agent@bench.test): made a participant of every conversation of the account by
-- the harness when scenario 9 starts (so the other scenarios run without them), all read, as an agent who has
-- worked through their queue.
INSERT INTO users (id, account_id, name, email, password_hash, role, created_at)
VALUES (md5('bench-agent')::uuid, 'b0000000-0000-4000-8000-000000000000', 'Bench support agent', 'bench-agent@bench.test',
        'not-a-password-hash', 'agent', now() - interval '1 year');

-- Conversations: activity spread over the last 90 days, one message every 10 minutes.
CREATE TEMP TABLE bench_conv AS
SELECT c,
       md5('conv-' || c)::uuid AS id,  -- computable by the load generators (wrk scripts, pgbench)
       now() - interval '91 days' + c * (interval '90 days' / :conversations) AS started_at
FROM generate_series(1, :conversations) c;

INSERT INTO messages (id, account_id, conversation_id, seq, direction, body, sender_type, sender_user_id, sender_name, created_at)
SELECT pg_temp.uuid7(bc.started_at + s * interval '10 minutes', 'msg-' || bc.c || '-' || s),
       'b0000000-0000-4000-8000-000000000000', bc.id, s,
       CASE WHEN s % 2 = 1 THEN 'incoming' ELSE 'outgoing' END,
       t.body || CASE WHEN (bc.c * :per_conversation + s) % 50000 = 7 THEN ' Voir le rapport kaolinite joint.' ELSE '' END,
       CASE WHEN s % 2 = 1 THEN 'contact' ELSE 'user' END,
       CASE WHEN s % 2 = 1 THEN NULL ELSE md5('bench-user-' || (1 + bc.c % 9))::uuid END,
       CASE WHEN s % 2 = 1 THEN 'Client ' || bc.c ELSE 'Bench agent ' || (1 + bc.c % 9) END,
       bc.started_at + s * interval '10 minutes'
FROM bench_conv bc
CROSS JOIN generate_series(1, :per_conversation) s
JOIN bench_text t ON t.i = 1 + ((bc.c * 7919 + s * 104729) % :pool_size);

INSERT INTO conversations (id, account_id, subject, channel, status, contact_name, contact_email, assignee_id,
                           last_message_id, last_activity_at, last_seq, created_at)
SELECT bc.id, 'b0000000-0000-4000-8000-000000000000', 'Demande ' || bc.c, 'email',
       (ARRAY['open', 'open', 'pending', 'resolved'])[1 + bc.c % 4], 'Client ' || bc.c, 'client' || bc.c || '@example.com',
       md5('bench-user-' || (1 + bc.c % 9))::uuid,
       pg_temp.uuid7(bc.started_at + :per_conversation * interval '10 minutes', 'msg-' || bc.c || '-' || :per_conversation),
       bc.started_at + :per_conversation * interval '10 minutes', :per_conversation, bc.started_at
FROM bench_conv bc;

-- The caller in every conversation (0 to 14 unread), and the assigned agent (all read).
INSERT INTO conversation_participants (conversation_id, user_id, account_id, last_read_seq, last_read_at, joined_at)
SELECT bc.id, md5('bench-user-0')::uuid, 'b0000000-0000-4000-8000-000000000000'::uuid,
       :per_conversation - (bc.c * 31 % 15), now() - interval '1 day', bc.started_at
FROM bench_conv bc
UNION ALL
SELECT bc.id, md5('bench-user-' || (1 + bc.c % 9))::uuid, 'b0000000-0000-4000-8000-000000000000',
       :per_conversation, now() - interval '1 day', bc.started_at
FROM bench_conv bc;
UPDATE conversation_participants p
   SET last_read_message_id = pg_temp.uuid7(bc.started_at + p.last_read_seq * interval '10 minutes', 'msg-' || bc.c || '-' || p.last_read_seq)
  FROM bench_conv bc
 WHERE p.conversation_id = bc.id AND p.last_read_seq > 0;

-- Socket accounts: admin 0 (posts), agents 1..100 (sockets), one live session each, 10 rooms.
INSERT INTO accounts (id, name, created_at)
SELECT md5('sock-account-' || a)::uuid, 'sockets ' || a, now() - interval '1 year' FROM generate_series(1, :socket_accounts) a;
INSERT INTO users (id, account_id, name, email, password_hash, role, created_at)
SELECT md5('sock-user-' || a || '-' || u)::uuid, md5('sock-account-' || a)::uuid, 'Agent ' || a || '-' || u,
       'sock-' || a || '-' || u || '@bench.test', 'not-a-password-hash', CASE WHEN u = 0 THEN 'admin' ELSE 'agent' END,
       now() - interval '1 year'
FROM generate_series(1, :socket_accounts) a CROSS JOIN generate_series(0, 100) u;
INSERT INTO sessions (id, account_id, user_id, created_at)
SELECT md5('session-' || u.id)::uuid, u.account_id, u.id, now() FROM users u;
INSERT INTO conversations (id, account_id, subject, channel, status, contact_name, last_activity_at, last_seq, created_at)
SELECT md5('sock-room-' || a || '-' || r)::uuid, md5('sock-account-' || a)::uuid, 'Room ' || r, 'chat', 'open',
       'Visitor ' || a || '-' || r, now() - interval '1 day', 0, now() - interval '1 day'
FROM generate_series(1, :socket_accounts) a CROSS JOIN generate_series(0, 9) r;

-- Each room's 10 agents are its participants (all read: no message yet), so a post into a room changes 10 unread
-- counts, as a post into a real team conversation would.
INSERT INTO conversation_participants (conversation_id, user_id, account_id, last_read_seq, joined_at)
SELECT md5('sock-room-' || a || '-' || r)::uuid, md5('sock-user-' || a || '-' || (10 * r + k))::uuid,
       md5('sock-account-' || a)::uuid, 0, now() - interval '1 day'
FROM generate_series(1, :socket_accounts) a CROSS JOIN generate_series(0, 9) r CROSS JOIN generate_series(1, 10) k;

DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT indexdef FROM bench_saved_indexes LOOP EXECUTE r.indexdef; END LOOP;
END $$;
RESET session_replication_role;
