-- Benchmark tickets for the overdue-sweep scenario (7), spread over the socket accounts (run after inbox.sql).
-- psql variables: tickets (1,000,000 in the full run), overdue (10,000), socket_accounts.
--
-- The mix, so the partial index tickets_overdue is not trivially small and the overdue rows are scattered over the
-- whole table as they would be after years of use: one ticket in tickets/overdue is received or diagnostic,
-- assigned and scheduled in the past (the overdue ones); as many again are open and scheduled in the future (in
-- the index, not overdue); 5 % are in progress or waiting for parts, with a past date (not overdue: past
-- diagnostic); the rest, the great majority, are completed or archived, most with a past date.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
SELECT :tickets / :overdue AS spread \gset
SET synchronous_commit = off;
SET maintenance_work_mem = '512MB';

-- Secondary indexes are dropped for the load and built again after it (CREATE INDEX sorts once, far faster than
-- a million random index insertions); their definitions are read from the catalog, so the migrations stay the
-- only place that spells them. Indexes backing constraints (primary keys, unique) stay.
CREATE TEMP TABLE bench_saved_indexes AS
SELECT indexname, indexdef FROM pg_indexes i
WHERE schemaname = 'public' AND tablename IN ('tickets')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname);
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT indexname FROM bench_saved_indexes LOOP EXECUTE format('DROP INDEX %I', r.indexname); END LOOP;
END $$;

INSERT INTO machines (id, account_id, name, location, serial_number, created_at)
SELECT md5('machine-' || a || '-' || m)::uuid, md5('sock-account-' || a)::uuid, 'Machine ' || m, 'Site ' || (m % 3),
       'SN-' || a || '-' || m, now() - interval '2 years'
FROM generate_series(1, :socket_accounts) a CROSS JOIN generate_series(1, 10) m;

INSERT INTO tickets (id, account_id, title, description, status, priority, machine_id, assignee_id, scheduled_at, created_at, updated_at)
SELECT md5('ticket-' || t)::uuid,
       md5('sock-account-' || a)::uuid,
       'Intervention ' || t,
       NULL,
       CASE
           WHEN t % :spread IN (0, 1) THEN (ARRAY['received', 'diagnostic'])[1 + t / :spread % 2]
           WHEN t % 20 = 2 THEN (ARRAY['in_progress', 'waiting_parts'])[1 + t % 2]
           ELSE (ARRAY['completed', 'archived'])[1 + t % 2]
       END,
       (ARRAY['low', 'medium', 'high', 'critical'])[1 + t % 4],
       md5('machine-' || a || '-' || (1 + t % 10))::uuid,
       CASE WHEN t % 7 = 0 AND t % :spread <> 0 THEN NULL ELSE md5('sock-user-' || a || '-' || (1 + t % 100))::uuid END,
       CASE
           WHEN t % :spread = 0 THEN now() - (1 + t % 240) * interval '1 hour'   -- overdue
           WHEN t % :spread = 1 THEN now() + (1 + t % 240) * interval '1 hour'   -- open, due later
           WHEN t % 3 = 0 THEN NULL
           ELSE now() - (1 + t % 700) * interval '1 day'
       END,
       now() - (1 + t % 720) * interval '1 day',
       now() - (t % 700) * interval '1 day'
FROM generate_series(1, :tickets) t,
     -- t / spread moves the account on from one overdue ticket to the next: with 1 + t % socket_accounts alone,
     -- every overdue ticket (t a multiple of spread, itself a multiple of socket_accounts) fell in account 1.
     LATERAL (SELECT 1 + (t + t / :spread) % :socket_accounts AS a) acc;

DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT indexdef FROM bench_saved_indexes LOOP EXECUTE r.indexdef; END LOOP;
END $$;
RESET session_replication_role;
