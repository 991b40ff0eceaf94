-- Full-text search over messages.
--
-- The language question: an inbox here holds French and English, often in one message. A language stemmer
-- mangles the other language's words (the French one turns "invoices" into nonsense), so words are indexed as
-- they are, with no stemming: `facture` finds "facture" but not "factures" (exact words, and phrases). What is
-- normalised: case and accents (unaccent runs first, so `electricite` finds "Électricité"), and the stop words of
-- both languages are dropped ("the", "le", "est"…), through a chain of three dictionaries:
-- unaccent → English stop words (passes other words on) → French stop words (keeps the rest as they are).
-- Dictionaries inside a configuration keep to_tsvector(config, text) immutable, so a generated column and its
-- GIN index can use it (calling the unaccent() function directly would not be allowed there).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TEXT SEARCH DICTIONARY inbox_english_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = english, ACCEPT = false);
CREATE TEXT SEARCH DICTIONARY inbox_french_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = french, ACCEPT = true);
CREATE TEXT SEARCH CONFIGURATION inbox_search (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION inbox_search
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, inbox_english_stop, inbox_french_stop;

ALTER TABLE messages
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('public.inbox_search', body)) STORED;

-- account_id first (btree_gin) so the index serves exactly one tenant's matches: a search never reads another
-- account's postings.
CREATE INDEX messages_search ON messages USING gin (account_id, search_vector);
