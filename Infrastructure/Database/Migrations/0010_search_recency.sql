-- Search by recency (issue 17): the newest matches of a word are found by walking an account's messages newest
-- first and keeping those that match, which stops as soon as a page (sort=recent) or a relevance window (the
-- 2,000 newest matches) is full. For a word in a fifth of all messages that reads a few thousand rows, where the
-- GIN index would hand over every match in the account before the newest could be picked. Rare words still go
-- through the GIN index (messages_search): the planner chooses from the word's frequency in the statistics.
-- (created_at, id) is the search's recency order; id breaks ties between equal instants.
CREATE INDEX messages_account_recent ON messages (account_id, created_at, id);
