using System.Text.Json;
using LinqToDB.Data;

namespace Inbox.Features.Contacts.Import;

static class Data
{
    public static Task<string?> PhoneRegionAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        ContactStore.PhoneRegionAsync(db, accountId, ct);

    /// <summary>The account's users by lowercased email, for the ownerEmail column.</summary>
    public static async Task<Dictionary<string, Guid>> UsersByEmailAsync(InboxDb db, Guid accountId, CancellationToken ct) =>
        (await db.Users.Where(u => u.AccountId == accountId).Select(u => new { u.Email, u.Id }).ToListAsync(ct))
        .ToDictionary(u => u.Email.ToLowerInvariant(), u => u.Id);

    /// <summary>Every contact of the account holding one of these keys: one statement for a whole batch (the three unique indexes).</summary>
    public static Task<List<ContactRow>> MatchingAsync(InboxDb db, Guid accountId, string[] externalIds, string[] emails, string[] phones, CancellationToken ct) =>
        db.QueryToListAsync<ContactRow>(
            """
            SELECT id, account_id, name, email, phone, external_id, company, notes, fields, lead_code, lead_status, source,
                   score, owner_id, last_interaction_at, created_at, updated_at
            FROM contacts
            WHERE account_id = @account
              AND (external_id = ANY(@externalIds) OR lower(email) = ANY(@emails) OR phone = ANY(@phones))
            """, ct,
            new DataParameter("account", accountId), new DataParameter("externalIds", externalIds),
            new DataParameter("emails", emails), new DataParameter("phones", phones));

    /// <summary>Inserts the batch's new contacts in one statement; the ids that went in (a key taken meanwhile leaves a row out).</summary>
    public static async Task<HashSet<Guid>> InsertAsync(InboxDb db, IReadOnlyList<ContactRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var inserted = await db.QueryToListAsync<Guid>(
            """
            INSERT INTO contacts (id, account_id, name, email, phone, external_id, company, notes, fields, lead_code,
                                  lead_status, source, score, owner_id, created_at, updated_at)
            SELECT r.id, r.account_id, r.name, r.email, r.phone, r.external_id, r.company, r.notes, r.fields, r.lead_code,
                   r.lead_status, r.source, r.score, r.owner_id, r.created_at, r.updated_at
            FROM jsonb_to_recordset(CAST(@rows AS jsonb)) AS r(
                id uuid, account_id uuid, name text, email text, phone text, external_id text, company text, notes text,
                fields jsonb, lead_code text, lead_status text, source text, score integer, owner_id uuid,
                created_at timestamptz, updated_at timestamptz)
            ON CONFLICT DO NOTHING
            RETURNING id
            """, ct, new DataParameter("rows", Json(rows), DataType.Text));
        return inserted.ToHashSet();
    }

    /// <summary>Writes the batch's changed contacts in one statement.</summary>
    public static async Task<HashSet<Guid>> UpdateAsync(InboxDb db, Guid accountId, IReadOnlyList<ContactRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return [];
        var updated = await db.QueryToListAsync<Guid>(
            """
            UPDATE contacts c
               SET name = r.name, email = r.email, phone = r.phone, external_id = r.external_id, company = r.company,
                   notes = r.notes, fields = r.fields, lead_code = r.lead_code, lead_status = r.lead_status,
                   source = r.source, score = r.score, owner_id = r.owner_id, updated_at = r.updated_at
              FROM jsonb_to_recordset(CAST(@rows AS jsonb)) AS r(
                   id uuid, name text, email text, phone text, external_id text, company text, notes text, fields jsonb,
                   lead_code text, lead_status text, source text, score integer, owner_id uuid, updated_at timestamptz)
             WHERE c.id = r.id AND c.account_id = @account
            RETURNING c.id
            """, ct, new DataParameter("account", accountId), new DataParameter("rows", Json(rows), DataType.Text));
        return updated.ToHashSet();
    }

    /// <summary>The history rows of the batch's imported lead statuses, in one statement.</summary>
    public static Task HistoryAsync(InboxDb db, IReadOnlyList<ContactLeadHistoryRow> rows, CancellationToken ct) =>
        rows.Count == 0 ? Task.CompletedTask : db.ExecuteAsync(
            """
            INSERT INTO contact_lead_history (account_id, contact_id, from_status, to_status, note, by_user_id, at)
            SELECT r.account_id, r.contact_id, r.from_status, r.to_status, r.note, r.by_user_id, r.at
            FROM jsonb_to_recordset(CAST(@rows AS jsonb)) AS r(
                account_id uuid, contact_id uuid, from_status text, to_status text, note text, by_user_id uuid, at timestamptz)
            """, ct, new DataParameter("rows", JsonSerializer.Serialize(rows.Select(h => new
            {
                account_id = h.AccountId, contact_id = h.ContactId, from_status = h.FromStatus, to_status = h.ToStatus,
                note = h.Note, by_user_id = h.ByUserId, at = Timestamp(h.At),
            })), DataType.Text));

    static string Json(IReadOnlyList<ContactRow> rows) => JsonSerializer.Serialize(rows.Select(c => new
    {
        id = c.Id, account_id = c.AccountId, name = c.Name, email = c.Email, phone = c.Phone, external_id = c.ExternalId,
        company = c.Company, notes = c.Notes, fields = JsonDocument.Parse(c.Fields).RootElement, lead_code = c.LeadCode,
        lead_status = c.LeadStatus, source = c.Source, score = c.Score, owner_id = c.OwnerId,
        created_at = Timestamp(c.CreatedAt), updated_at = Timestamp(c.UpdatedAt),
    }));

    static string Timestamp(Instant at) => NodaTime.Text.InstantPattern.ExtendedIso.Format(at);
}
