using System.Text.Json;
using Inbox.Features.Events;
using Inbox.Features.Shapes;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Events;
using Inbox.Infrastructure.Json;
using LinqToDB.Data;

namespace Inbox.Features.Contacts;

/// <summary>Which dedup key a duplicate shares, and with which contact.</summary>
public sealed record Duplicate(string Field, Guid ExistingContactId);

/// <summary>
/// What every way of writing a contact shares (the contact routes, the import, conversations that link a contact,
/// the seeder): the dedup lookups in the contract's order, the insert that concurrent creations meet in, and the
/// events a change raises. Kept at the area level because those are several slices and one rule.
/// </summary>
public static class ContactStore
{
    public static Task<string?> PhoneRegionAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        db.Accounts.Where(a => a.Id == accountId).Select(a => a.DefaultPhoneRegion).FirstOrDefaultAsync(ct);

    public static Task<ContactRow?> FindAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        db.Contacts.FirstOrDefaultAsync(c => c.Id == id && c.AccountId == accountId, ct);

    /// <summary>The contact row under a row lock until the transaction ends: changes to one contact queue here.</summary>
    public static Task<ContactRow?> LockAsync(InboxDb db, Guid accountId, Guid id, CancellationToken ct) =>
        db.Contacts.Where(c => c.Id == id && c.AccountId == accountId).QueryHint("FOR UPDATE").FirstOrDefaultAsync(ct);

    public static Task<bool> IsUserOfAccountAsync(InboxDb db, Guid accountId, Guid userId, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Id == userId && u.AccountId == accountId, ct);

    /// <summary>
    /// The contract's lookup: by externalId, then email (case-insensitively), then phone (already E.164). Each is a
    /// probe of its unique index.
    /// </summary>
    public static async Task<ContactRow?> FindByKeysAsync(InboxDb db, Guid accountId, string? externalId, string? email, string? phone, CancellationToken ct)
    {
        if (externalId is not null && await db.Contacts.FirstOrDefaultAsync(c => c.AccountId == accountId && c.ExternalId == externalId, ct) is { } byExternalId)
            return byExternalId;
        if (email is not null)
        {
            var lowered = email.ToLowerInvariant();
            if (await db.Contacts.FirstOrDefaultAsync(c => c.AccountId == accountId && c.Email != null && c.Email.ToLower() == lowered, ct) is { } byEmail)
                return byEmail;
        }
        if (phone is not null && await db.Contacts.FirstOrDefaultAsync(c => c.AccountId == accountId && c.Phone == phone, ct) is { } byPhone)
            return byPhone;
        return null;
    }

    /// <summary>Another contact of the account holding one of these keys (the 409 of create and edit), or null.</summary>
    public static async Task<Duplicate?> DuplicateAsync(InboxDb db, Guid accountId, Guid? exceptId, string? email, string? phone, string? externalId, CancellationToken ct)
    {
        var others = db.Contacts.Where(c => c.AccountId == accountId && (exceptId == null || c.Id != exceptId));
        if (email is not null)
        {
            var lowered = email.ToLowerInvariant();
            if (await others.Where(c => c.Email != null && c.Email.ToLower() == lowered).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct) is { } id)
                return new Duplicate("email", id);
        }
        if (phone is not null && await others.Where(c => c.Phone == phone).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct) is { } byPhone)
            return new Duplicate("phone", byPhone);
        if (externalId is not null && await others.Where(c => c.ExternalId == externalId).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct) is { } byExternalId)
            return new Duplicate("externalId", byExternalId);
        return null;
    }

    /// <summary>
    /// Inserts unless one of its keys is taken. A concurrent insert of the same key waits on the other's
    /// uncommitted index entry, then does nothing once that one commits: the caller looks again and finds it, so
    /// two creations racing on one email make one contact (never a unique-violation 500).
    /// </summary>
    public static async Task<bool> TryInsertAsync(InboxDb db, ContactRow c, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO contacts (id, account_id, name, email, phone, external_id, company, notes, fields, lead_code,
                                  lead_status, source, score, owner_id, created_at, updated_at)
            VALUES (@id, @account, @name, @email, @phone, @externalId, @company, @notes, CAST(@fields AS jsonb), @leadCode,
                    @leadStatus, @source, @score, @owner, @now, @now)
            ON CONFLICT DO NOTHING
            """, ct,
            new DataParameter("id", c.Id), new DataParameter("account", c.AccountId),
            new DataParameter("name", c.Name, DataType.Text), new DataParameter("email", c.Email, DataType.Text),
            new DataParameter("phone", c.Phone, DataType.Text), new DataParameter("externalId", c.ExternalId, DataType.Text),
            new DataParameter("company", c.Company, DataType.Text), new DataParameter("notes", c.Notes, DataType.Text),
            new DataParameter("fields", c.Fields, DataType.Text), new DataParameter("leadCode", c.LeadCode, DataType.Text),
            new DataParameter("leadStatus", c.LeadStatus, DataType.Text), new DataParameter("source", c.Source, DataType.Text),
            new DataParameter("score", c.Score, DataType.Int32), new DataParameter("owner", c.OwnerId, DataType.Guid),
            new DataParameter("now", c.CreatedAt)) == 1;

    public static Task AddHistoryAsync(InboxDb db, ContactRow contact, string? from, string to, string? note, Guid? byUserId, Instant at, CancellationToken ct) =>
        db.InsertAsync(new ContactLeadHistoryRow
        {
            AccountId = contact.AccountId,
            ContactId = contact.Id,
            FromStatus = from,
            ToStatus = to,
            Note = note,
            ByUserId = byUserId,
            At = at,
        }, token: ct);

    /// <summary>
    /// Raises a contact event inside the caller's transaction: the webhook deliveries are rows of that transaction
    /// (the outbox: queued if and only if the change commits), and once it commits the realtime
    /// <c>contact.updated</c> goes to the account's connections and the dispatcher is woken to post at once.
    /// <paramref name="realtime"/> false for bulk writes (the import), whose clients reload the list instead.
    /// </summary>
    public static async Task RaiseAsync(
        InboxDb db, IInboxEvents events, WebhookDispatcher dispatcher, string type, ContactRow contact, Instant now, CancellationToken ct,
        LeadChange? lead = null, bool realtime = true)
    {
        var details = ContactDetails.From(contact);
        var queued = await WebhookOutbox.EnqueueAsync(db, EventFor(type, contact, now, lead), now, ct);
        db.AfterCommit(() =>
        {
            if (realtime) events.Publish(new ContactUpdated(contact.AccountId, details));
            if (queued > 0) dispatcher.Wake();
        });
    }

    /// <summary>
    /// The webhook event of one change: its body (the Standard Webhooks envelope, serialised once) and a dedup key
    /// naming this occurrence, so each change is its own event with its own webhook-id per endpoint.
    /// </summary>
    public static WebhookEvent EventFor(string type, ContactRow contact, Instant now, LeadChange? lead = null)
    {
        var details = ContactDetails.From(contact);
        var payload = type == WebhookEvents.LeadStatusChanged && lead is not null
            ? JsonSerializer.Serialize(new ContactWebhook<LeadData>(type, now, new LeadData(details, lead.From, lead.To, lead.ByUserId)), JsonSetup.Wire)
            : JsonSerializer.Serialize(new ContactWebhook<ContactData>(type, now, new ContactData(details)), JsonSetup.Wire);
        return new WebhookEvent(contact.AccountId, type, payload, $"{type}/{contact.Id:N}/{Guid.CreateVersion7():N}", ContactId: contact.Id);
    }
}

/// <summary>A lead status move, as <c>lead.status_changed</c> tells it.</summary>
public sealed record LeadChange(string? From, string To, Guid? ByUserId);

/// <summary>The Standard Webhooks envelope of the contact events: <c>{"type","timestamp","data"}</c>.</summary>
public sealed record ContactWebhook<T>(string Type, Instant Timestamp, T Data);

public sealed record ContactData(ContactDetails Contact);

public sealed record LeadData(ContactDetails Contact, string? From, string To, Guid? ByUserId);

/// <summary>How conversations find their contact (Conversations/Start, the seeder): the contract's lookup, or a new contact.</summary>
public static class ContactLinks
{
    /// <summary>
    /// The contact with one of these keys (externalId, then email, then phone), or a new one made of these fields.
    /// A creation that loses a race on a key (the insert does nothing) looks again and finds the winner's row,
    /// so the same person starting two conversations at once gets one contact. <c>Created</c> tells the caller to
    /// raise <c>contact.created</c>.
    /// </summary>
    public static async Task<(ContactRow Contact, bool Created)> FindOrCreateAsync(
        InboxDb db, Guid accountId, string? name, string? email, string? phone, string? externalId, Instant now, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await ContactStore.FindByKeysAsync(db, accountId, externalId, email, phone, ct) is { } found)
                return (found, false);
            var row = new ContactRow
            {
                Id = Guid.CreateVersion7(),
                AccountId = accountId,
                Name = name,
                Email = email,
                Phone = phone,
                ExternalId = externalId,
                CreatedAt = now,
                UpdatedAt = now,
            };
            if (await ContactStore.TryInsertAsync(db, row, ct))
            {
                await ContactStore.AddHistoryAsync(db, row, null, row.LeadStatus, null, null, now, ct);
                return (row, true);
            }
            // Only a key taken by a committed row makes the insert do nothing, and the lookup above then finds it;
            // a bounded loop anyway, in case that row was deleted in between.
            if (attempt == 3) throw new InvalidOperationException("A contact key kept changing hands while linking a conversation.");
        }
    }
}
