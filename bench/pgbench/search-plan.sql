-- The search statement of Features/Search/Messages/Data.cs (SearchSql) with the first page's parameters, for
-- EXPLAIN ANALYZE in the results (the harness fills in :account and :term).
WITH query AS (SELECT websearch_to_tsquery('public.inbox_search', :term) AS q),
page AS (
    SELECT m.id, m.conversation_id, m.direction, m.body, m.sender_type, m.sender_user_id, m.sender_api_key_id,
           m.sender_name, m.created_at, ts_rank_cd(m.search_vector, query.q)::float8 AS rank
    FROM messages m, query
    WHERE m.account_id = :account
      AND m.search_vector @@ query.q
    ORDER BY rank DESC, m.id DESC
    LIMIT 21
)
SELECT page.*, ts_headline('public.inbox_search', translate(page.body, chr(1) || chr(2), ''), query.q,
                           'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', HighlightAll=true') AS headline
FROM page, query
ORDER BY page.rank DESC, page.id DESC
