-- Scenario 2 baseline: the three statements GET /api/conversations?limit=50 runs (Features/Conversations/List/Data.cs
-- and ConversationReader.cs), as linq2db sends them: the page of keys, then the page's conversations with their last
-- message, then their participants with the caller's unread count. The service sends the page's ids as one uuid[]
-- parameter (= ANY); the harness puts the first page's ids in place of :page_ids (an ARRAY[...] of them) before
-- running this. Variables (-D): account, caller.
SELECT
		c_1.last_activity_at,
		c_1.id
	FROM
		conversations c_1
	WHERE
		c_1.account_id = :account
	ORDER BY
		c_1.last_activity_at DESC,
		c_1.id DESC
	LIMIT 51;
SELECT
		c_1.id,
		c_1.account_id,
		c_1.subject,
		c_1.channel,
		c_1.status,
		c_1.contact_name,
		c_1.contact_email,
		c_1.contact_phone,
		c_1.contact_external_id,
		c_1.assignee_id,
		c_1.last_message_id,
		c_1.last_activity_at,
		c_1.last_seq,
		c_1.created_at,
		m_1.id,
		m_1.account_id,
		m_1.conversation_id,
		m_1.seq,
		m_1.direction,
		m_1.body,
		m_1.sender_type,
		m_1.sender_user_id,
		m_1.sender_api_key_id,
		m_1.sender_name,
		m_1.created_at
	FROM
		conversations c_1
			LEFT JOIN messages m_1 ON m_1.id = c_1.last_message_id
	WHERE
		c_1.account_id = :account AND c_1.id = ANY(ARRAY[:page_ids]);
SELECT
		p.conversation_id,
		p.user_id,
		p.muted,
		CASE
			WHEN p.user_id = :caller THEN p.unread_count
			ELSE 0
		END
	FROM
		participant_unread p
	WHERE
		p.account_id = :account AND p.conversation_id = ANY(ARRAY[:page_ids])
	ORDER BY
		p.joined_at,
		p.user_id;
