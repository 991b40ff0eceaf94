-- Contacts and leads (issue 18): the people behind the conversations, one row per person and account,
-- deduplicated on three keys, with lead fields and their status history; conversations point at them; the
-- webhook engine learns contact events. Everything of the issue is in this one script.

ALTER TABLE accounts ADD COLUMN default_phone_region text NULL;

-- Names and companies are searched by the start of any word, case- and accent-insensitively. Its own text
-- search configuration rather than 0006's inbox_search: that one drops stop words, and "de", "la" or "van" are
-- parts of names here. unaccent is a dictionary inside the configuration, so to_tsvector stays immutable and
-- can feed a generated column.
CREATE TEXT SEARCH CONFIGURATION inbox_contact_search (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION inbox_contact_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, simple;

CREATE TABLE contacts (
    id                  uuid        PRIMARY KEY,
    account_id          uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name                text        NULL,
    -- Stored trimmed, as given; compared through lower(email) (the unique index below).
    email               text        NULL,
    -- E.164 (+33612345678), normalised by the service with libphonenumber.
    phone               text        NULL,
    external_id         text        NULL,
    company             text        NULL,
    notes               text        NULL,
    fields              jsonb       NOT NULL DEFAULT '{}',
    lead_code           text        NULL,
    lead_status         text        NOT NULL DEFAULT 'new' CHECK (lead_status IN ('new', 'contacted', 'qualified', 'won', 'lost')),
    source              text        NULL,
    score               integer     NULL CHECK (score BETWEEN 0 AND 100),
    owner_id            uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    -- The latest message of any of its conversations (the trigger on messages below).
    last_interaction_at timestamptz NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    -- The list's first sort key: "latest interaction first", contacts never written to last. A generated column
    -- so one btree serves the order and the keyset cursor compares one value, not a NULLS LAST pair.
    activity_at         timestamptz GENERATED ALWAYS AS (coalesce(last_interaction_at, '-infinity'::timestamptz)) STORED,
    -- What q searches: every word of the name and company (unaccented, lowercased), and the whole email
    -- (lowercased) and phone as single lexemes, so one prefix tsquery ('jea':* & 'dup':*) matches the start of
    -- any word of the name or company, or the start of the email or phone, through one GIN index.
    search_vector       tsvector    GENERATED ALWAYS AS (
                            to_tsvector('public.inbox_contact_search', coalesce(name, '') || ' ' || coalesce(company, ''))
                            || array_to_tsvector(array_remove(ARRAY[lower(email), phone], NULL))) STORED
);

-- The three dedup keys, unique per account. Concurrent creations with one key meet here (ON CONFLICT), so two
-- conversations started at once by the same person make one contact.
CREATE UNIQUE INDEX contacts_email ON contacts (account_id, lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX contacts_phone ON contacts (account_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX contacts_external_id ON contacts (account_id, external_id) WHERE external_id IS NOT NULL;

-- The list: (activity_at, id) DESC after the cursor, optionally filtered; each filter has an index ending in the
-- sort key so every variant stops after limit + 1 rows. Ids are UUIDv7 (the data migration below makes them
-- from created_at too), so id DESC is "newest created first" among contacts with the same activity.
CREATE INDEX contacts_activity ON contacts (account_id, activity_at DESC, id DESC);
CREATE INDEX contacts_status_activity ON contacts (account_id, lead_status, activity_at DESC, id DESC);
CREATE INDEX contacts_owner_activity ON contacts (account_id, owner_id, activity_at DESC, id DESC);
CREATE INDEX contacts_source_activity ON contacts (account_id, source, activity_at DESC, id DESC);
-- q: a prefix tsquery against this GIN; account_id first (btree_gin, 0006) so only the caller's postings are read.
-- fastupdate off: with the default, new entries wait in the index's pending list (up to 4 MB) until a vacuum, the
-- planner prices that list as a full read, and after an import it scans the account's rows instead of this index.
CREATE INDEX contacts_search ON contacts USING gin (account_id, search_vector) WITH (fastupdate = off);

CREATE TABLE contact_lead_history (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id   uuid        NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    from_status  text        NULL,
    to_status    text        NOT NULL,
    note         text        NULL,
    -- NULL when an integration (API key) or an import without a user made the change.
    by_user_id   uuid        NULL REFERENCES users (id) ON DELETE SET NULL,
    at           timestamptz NOT NULL
);
CREATE INDEX contact_lead_history_contact ON contact_lead_history (contact_id, id);

-- A deleted contact leaves its conversations with the inline copy (contact_name…) and no id: the delete route
-- refreshes that copy first, then ON DELETE SET NULL clears the link.
ALTER TABLE conversations ADD COLUMN contact_id uuid NULL REFERENCES contacts (id) ON DELETE SET NULL;
CREATE INDEX conversations_contact_activity ON conversations (contact_id, last_activity_at DESC, id DESC) WHERE contact_id IS NOT NULL;

-- lastInteractionAt, maintained by every message however it is posted (the send route, the seeder, future
-- routes) without touching their statements. It runs inside the posting statement, after the conversation's
-- row lock is taken, so its lock order is always conversation then contact; the routes that lock a contact
-- and then its conversations (merge, delete) take the conversations first. GREATEST semantics: never backwards.
CREATE FUNCTION contacts_touch_interaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE contacts ct
       SET last_interaction_at = NEW.created_at
      FROM conversations c
     WHERE c.id = NEW.conversation_id
       AND ct.id = c.contact_id
       AND (ct.last_interaction_at IS NULL OR ct.last_interaction_at < NEW.created_at);
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_touch_contact AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION contacts_touch_interaction();

-- Data: every conversation's inline contact becomes a contact, found the way POST /api/conversations finds one
-- (externalId, then email, then phone) in the order the conversations were created, so the result is what the
-- service would have built had contacts existed from the start. Phones are normalised here only when they are
-- unambiguous already (a + and 8..15 digits once spaces, dots, dashes and brackets are dropped); any other phone
-- is kept in the contact's custom field "legacyPhone" rather than lost, and the conversation keeps its copy.
DO $$
DECLARE
    r         record;
    v_email   text;
    v_phone   text;
    v_raw     text;
    v_contact uuid;
BEGIN
    FOR r IN
        SELECT id, account_id, nullif(btrim(contact_name), '') AS name, nullif(btrim(contact_email), '') AS email,
               nullif(btrim(contact_phone), '') AS phone, nullif(btrim(contact_external_id), '') AS external_id, created_at
          FROM conversations
         WHERE coalesce(btrim(contact_name), btrim(contact_email), btrim(contact_phone), btrim(contact_external_id), '') <> ''
         ORDER BY created_at, id
    LOOP
        v_email := r.email;
        v_raw := r.phone;
        v_phone := NULL;
        IF v_raw IS NOT NULL THEN
            v_phone := regexp_replace(v_raw, '[\s().-]', '', 'g');
            IF v_phone !~ '^\+[1-9][0-9]{7,14}$' THEN v_phone := NULL; END IF;
        END IF;

        v_contact := NULL;
        IF r.external_id IS NOT NULL THEN
            SELECT id INTO v_contact FROM contacts WHERE account_id = r.account_id AND external_id = r.external_id;
        END IF;
        IF v_contact IS NULL AND v_email IS NOT NULL THEN
            SELECT id INTO v_contact FROM contacts WHERE account_id = r.account_id AND lower(email) = lower(v_email);
        END IF;
        IF v_contact IS NULL AND v_phone IS NOT NULL THEN
            SELECT id INTO v_contact FROM contacts WHERE account_id = r.account_id AND phone = v_phone;
        END IF;

        IF v_contact IS NULL THEN
            -- A UUIDv7 made from the conversation's creation time, like the ids the service makes (the list's tie-break).
            v_contact := (lpad(to_hex((extract(epoch FROM r.created_at) * 1000)::bigint), 12, '0')
                          || '7' || substr(md5(random()::text), 1, 3)
                          || '8' || substr(md5(random()::text), 1, 15))::uuid;
            INSERT INTO contacts (id, account_id, name, email, phone, external_id, fields, created_at, updated_at)
            VALUES (v_contact, r.account_id, r.name, v_email, v_phone, r.external_id,
                    CASE WHEN v_raw IS NOT NULL AND v_phone IS NULL THEN jsonb_build_object('legacyPhone', v_raw) ELSE '{}'::jsonb END,
                    r.created_at, r.created_at);
        ELSE
            -- Found: fill what it lacks, unless that value is another contact's key already.
            UPDATE contacts ct
               SET name = coalesce(ct.name, r.name),
                   email = CASE WHEN ct.email IS NULL AND v_email IS NOT NULL AND NOT EXISTS (
                               SELECT 1 FROM contacts o WHERE o.account_id = r.account_id AND lower(o.email) = lower(v_email))
                               THEN v_email ELSE ct.email END,
                   phone = CASE WHEN ct.phone IS NULL AND v_phone IS NOT NULL AND NOT EXISTS (
                               SELECT 1 FROM contacts o WHERE o.account_id = r.account_id AND o.phone = v_phone)
                               THEN v_phone ELSE ct.phone END,
                   external_id = CASE WHEN ct.external_id IS NULL AND r.external_id IS NOT NULL AND NOT EXISTS (
                               SELECT 1 FROM contacts o WHERE o.account_id = r.account_id AND o.external_id = r.external_id)
                               THEN r.external_id ELSE ct.external_id END,
                   fields = CASE WHEN v_raw IS NOT NULL AND v_phone IS NULL AND NOT ct.fields ? 'legacyPhone'
                               THEN ct.fields || jsonb_build_object('legacyPhone', v_raw) ELSE ct.fields END
             WHERE ct.id = v_contact;
        END IF;

        UPDATE conversations SET contact_id = v_contact WHERE id = r.id;
    END LOOP;

    INSERT INTO contact_lead_history (account_id, contact_id, from_status, to_status, note, by_user_id, at)
    SELECT account_id, id, NULL, 'new', 'created from existing conversations', NULL, created_at FROM contacts;

    UPDATE contacts ct
       SET last_interaction_at = latest.at
      FROM (SELECT c.contact_id, max(m.created_at) AS at
              FROM conversations c JOIN messages m ON m.conversation_id = c.id
             WHERE c.contact_id IS NOT NULL
             GROUP BY c.contact_id) latest
     WHERE ct.id = latest.contact_id;
END
$$;

-- Webhooks for contacts: deliveries and their log say which contact an event is about (no foreign key: the log
-- outlives a deleted contact), and the log says the event type so it can be filtered without a join.
ALTER TABLE webhook_deliveries ADD COLUMN contact_id uuid NULL;
ALTER TABLE webhook_notifications ADD COLUMN contact_id uuid NULL;
ALTER TABLE webhook_notifications ADD COLUMN event_type text NULL;
UPDATE webhook_notifications n SET event_type = d.type FROM webhook_deliveries d WHERE d.id = n.delivery_id;
CREATE INDEX webhook_notifications_contact ON webhook_notifications (account_id, contact_id, sent_at DESC, id DESC) WHERE contact_id IS NOT NULL;
CREATE INDEX webhook_notifications_endpoint ON webhook_notifications (account_id, endpoint_id, sent_at DESC, id DESC);
CREATE INDEX webhook_notifications_type ON webhook_notifications (account_id, event_type, sent_at DESC, id DESC);
