-- Scenario 2 baseline: the two statements GET /api/conversations?limit=50 runs: the page of keys below (the text
-- Features/Conversations/List/Data.cs builds with no filter), then ConversationReader.LoadSql (the page's
-- conversations with their last message, participants and the caller's unread count), which the harness appends,
-- read from the source, with the first page's ids in place of its uuid[] parameter. Variables (-D): account, caller.
SELECT last_activity_at, id FROM conversations WHERE account_id = :account ORDER BY last_activity_at DESC, id DESC LIMIT 51;
