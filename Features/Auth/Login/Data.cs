namespace Inbox.Features.Auth.Login;

static class Data
{
    /// <summary>Case-insensitive, served by the unique index on lower(email).</summary>
    public static Task<UserRow?> FindByEmailAsync(InboxDb db, string email, CancellationToken ct)
    {
        var lowered = email.ToLowerInvariant();
        return db.Users.FirstOrDefaultAsync(u => u.Email.ToLower() == lowered, ct);
    }
}
