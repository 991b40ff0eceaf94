namespace Inbox.Features.Cron.CheckOverdue;

public sealed record Response(int Checked, int Notified, int Failed, int Skipped);
