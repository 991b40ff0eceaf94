-- Sessions that end at once, everywhere (API.md, v2).
--
-- users.active: a deactivated user cannot sign in or refresh, and every session of theirs is revoked when they are
-- deactivated. Reactivating only flips the flag back: the revoked sessions stay revoked.
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;

-- Every instance keeps in memory the sessions revoked within one access-token lifetime (their tokens may still be
-- presented), and reloads them from here when it starts or its LISTEN connection comes back: this index serves
-- that range read. Partial, because almost every session is never revoked before it lapses.
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Deactivation revokes all of a user's live sessions in one statement; sessions_user (user_id) already serves it.
