-- Scenario 7: the selection the overdue sweep needs, over every account: overdue tickets (scheduled in the past,
-- still received or diagnostic: Workflow.IsOverdue, the predicate of the partial index tickets_overdue) that have
-- an assignee to notify (API.md, "Overdue-ticket webhooks"), oldest due first. The sweep itself is being written
-- elsewhere; until it lands this statement stands in for it.
SELECT t.id, t.account_id, t.title, t.status, t.priority, t.machine_id, t.assignee_id, t.scheduled_at, t.created_at, t.updated_at
FROM tickets t
WHERE t.status IN ('received', 'diagnostic') AND t.scheduled_at IS NOT NULL AND t.scheduled_at < now()
  AND t.assignee_id IS NOT NULL
ORDER BY t.scheduled_at, t.id;
