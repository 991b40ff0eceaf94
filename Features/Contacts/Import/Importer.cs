using System.Text.RegularExpressions;
using Inbox.Features.Shapes;
using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Json;
using Inbox.Infrastructure.Time;

namespace Inbox.Features.Contacts.Import;

/// <summary>
/// One import's state: the column map, the keys already used by earlier rows of the file (a later row with one of
/// them is a duplicate row and is skipped), and the report. Batches go through <see cref="ImportAsync"/> in file order.
/// </summary>
sealed partial class Importer(InboxDb db, Guid accountId, Guid? userId, bool dryRun, string? region, Dictionary<string, Guid> users, IClock clock)
{
    readonly List<RowReport> _rows = [];
    readonly Dictionary<string, int> _seenKeys = new(StringComparer.Ordinal);
    Dictionary<int, string> _known = [];
    Dictionary<int, string> _custom = [];
    int _created, _updated, _skipped;

    public int Queued { get; private set; }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial Regex EmailShape();

    public void Columns(IReadOnlyList<string> headers)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i].Trim().TrimStart('\uFEFF');
            if (header.Length == 0) continue;
            if (ContactCsv.Known(header) is { } known) _known.TryAdd(i, known);
            else _custom.TryAdd(i, header);
        }
    }

    public Response Report() => new(_created, _updated, _skipped, _rows);

    sealed class Parsed
    {
        public required int Row { get; init; }
        public List<string> Errors { get; } = [];
        public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
        public string? Email, Phone, ExternalId, LeadStatus;
        public int? Score;
        public Guid? OwnerId;
        public string? Get(string column) => Values.TryGetValue(column, out var v) ? v : null;
    }

    public async Task ImportAsync(IReadOnlyList<(int Row, string[] Cells)> batch, CancellationToken ct)
    {
        if (batch.Count == 0) return;
        var parsed = batch.Select(b => Parse(b.Row, b.Cells)).ToList();
        var valid = parsed.Where(p => p.Errors.Count == 0).ToList();
        var existing = await Data.MatchingAsync(db, accountId,
            valid.Select(p => p.ExternalId).OfType<string>().ToArray(),
            valid.Select(p => p.Email?.ToLowerInvariant()).OfType<string>().ToArray(),
            valid.Select(p => p.Phone).OfType<string>().ToArray(), ct);
        var byExternalId = existing.Where(c => c.ExternalId is not null).ToDictionary(c => c.ExternalId!, StringComparer.Ordinal);
        var byEmail = existing.Where(c => c.Email is not null).ToDictionary(c => c.Email!.ToLowerInvariant(), StringComparer.Ordinal);
        var byPhone = existing.Where(c => c.Phone is not null).ToDictionary(c => c.Phone!, StringComparer.Ordinal);

        var now = clock.NowForDatabase();
        var inserts = new List<ContactRow>();
        var updates = new List<ContactRow>();
        var history = new List<ContactLeadHistoryRow>();
        var outcome = new Dictionary<int, (string Action, ContactRow? Contact)>();
        foreach (var p in parsed)
        {
            if (p.Errors.Count > 0) continue;
            var keys = Keys(p);
            if (keys.Select(k => _seenKeys.TryGetValue(k, out var r) ? r : 0).FirstOrDefault(r => r > 0) is var earlier and > 0)
            {
                p.Errors.Add($"The same contact as row {earlier}: skipped.");
                continue;
            }

            var match = (p.ExternalId is { } e && byExternalId.TryGetValue(e, out var m1) ? m1 : null)
                ?? (p.Email is { } em && byEmail.TryGetValue(em.ToLowerInvariant(), out var m2) ? m2 : null)
                ?? (p.Phone is { } ph && byPhone.TryGetValue(ph, out var m3) ? m3 : null);
            var contact = match is null ? New(p, now) : Merge(match, p, now);
            if (contact is null) continue;
            // A key of the result that another contact holds would be a duplicate: the row says which.
            if (contact.Email is { } email && byEmail.TryGetValue(email.ToLowerInvariant(), out var holder) && holder.Id != contact.Id)
                p.Errors.Add("'email' already belongs to another contact.");
            if (contact.Phone is { } phone && byPhone.TryGetValue(phone, out var phoneHolder) && phoneHolder.Id != contact.Id)
                p.Errors.Add("'phone' already belongs to another contact.");
            if (contact.ExternalId is { } ext && byExternalId.TryGetValue(ext, out var extHolder) && extHolder.Id != contact.Id)
                p.Errors.Add("'externalId' already belongs to another contact.");
            if (p.Errors.Count > 0) continue;

            foreach (var key in keys) _seenKeys[key] = p.Row;
            if (match is null) inserts.Add(contact);
            else updates.Add(contact);
            var from = match?.LeadStatus;
            if (match is null || (p.LeadStatus is not null && p.LeadStatus != from))
                history.Add(new ContactLeadHistoryRow
                {
                    AccountId = accountId, ContactId = contact.Id, FromStatus = from, ToStatus = contact.LeadStatus,
                    Note = "import", ByUserId = userId, At = now,
                });
            outcome[p.Row] = (match is null ? ImportAction.Created : ImportAction.Updated, contact);
        }

        if (!dryRun && (inserts.Count > 0 || updates.Count > 0))
        {
            await using var work = await db.BeginOrJoinTransactionAsync(ct);
            var inserted = await Data.InsertAsync(db, inserts, ct);
            var updated = await Data.UpdateAsync(db, accountId, updates, ct);
            var written = inserted.Concat(updated).ToHashSet();
            await Data.HistoryAsync(db, history.Where(h => written.Contains(h.ContactId)).ToList(), ct);
            var events = inserts.Where(c => inserted.Contains(c.Id)).Select(c => ContactStore.EventFor(WebhookEvents.ContactCreated, c, now))
                .Concat(updates.Where(c => updated.Contains(c.Id)).Select(c => ContactStore.EventFor(WebhookEvents.ContactUpdated, c, now)))
                .ToList();
            Queued += await WebhookOutboxBatch.EnqueueManyAsync(db, accountId, events, now, ct);
            await work.CommitAsync(ct);
            foreach (var (row, (_, contact)) in outcome.ToList())
                if (!written.Contains(contact!.Id))
                {
                    outcome.Remove(row);
                    parsed.First(p => p.Row == row).Errors.Add("One of its keys was taken by another contact meanwhile.");
                }
        }

        foreach (var p in parsed)
        {
            if (outcome.TryGetValue(p.Row, out var done))
            {
                if (done.Action == ImportAction.Created) _created++;
                else _updated++;
                _rows.Add(new RowReport(p.Row, done.Action, done.Contact!.Id, []));
            }
            else
            {
                _skipped++;
                _rows.Add(new RowReport(p.Row, ImportAction.Skipped, null, p.Errors));
            }
        }
    }

    static List<string> Keys(Parsed p)
    {
        var keys = new List<string>(3);
        if (p.ExternalId is { } e) keys.Add("x:" + e);
        if (p.Email is { } m) keys.Add("e:" + m.ToLowerInvariant());
        if (p.Phone is { } ph) keys.Add("p:" + ph);
        return keys;
    }

    Parsed Parse(int row, string[] cells)
    {
        var p = new Parsed { Row = row };
        for (var i = 0; i < cells.Length; i++)
        {
            var value = cells[i].Trim();
            if (value.Length == 0) continue;
            if (TextRules.Problem(value) is { } problem)
            {
                p.Errors.Add($"Column {i + 1}: {problem}");
                continue;
            }
            if (_known.TryGetValue(i, out var column)) p.Values[column] = value;
            else if (_custom.TryGetValue(i, out var field)) p.Fields[field] = value;
        }

        Limit(p, ContactCsv.Name, ContactRules.MaxNameLength);
        Limit(p, ContactCsv.ExternalId, ContactRules.MaxExternalIdLength);
        Limit(p, ContactCsv.Company, ContactRules.MaxCompanyLength);
        Limit(p, ContactCsv.Notes, ContactRules.MaxNotesLength);
        Limit(p, ContactCsv.LeadCode, ContactRules.MaxLeadCodeLength);
        Limit(p, ContactCsv.Source, ContactRules.MaxSourceLength);
        p.ExternalId = p.Get(ContactCsv.ExternalId);
        if (p.Get(ContactCsv.Email) is { } email)
        {
            if (email.Length > ContactRules.MaxEmailLength || !EmailShape().IsMatch(email)) p.Errors.Add($"'email' is not an email address: {email}");
            else p.Email = email;
        }
        if (p.Get(ContactCsv.Phone) is { } phone)
        {
            if (phone.Length > ContactRules.MaxPhoneInputLength || !ContactRules.TryPhone(phone, region, out var e164))
                p.Errors.Add($"'phone' is not a phone number that can be read: {phone}");
            else p.Phone = e164;
        }
        if (p.Get(ContactCsv.LeadStatus) is { } status)
        {
            var lowered = status.ToLowerInvariant();
            if (!Contacts.LeadStatus.IsKnown(lowered)) p.Errors.Add($"'leadStatus' must be one of: {string.Join(", ", Contacts.LeadStatus.All)}.");
            else p.LeadStatus = lowered;
        }
        if (p.Get(ContactCsv.Score) is { } score)
        {
            if (!int.TryParse(score, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value is < 0 or > 100)
                p.Errors.Add("'score' must be a whole number from 0 to 100.");
            else p.Score = value;
        }
        if (p.Get(ContactCsv.OwnerEmail) is { } owner)
        {
            if (!users.TryGetValue(owner.ToLowerInvariant(), out var ownerId)) p.Errors.Add($"'ownerEmail' is not a user of this account: {owner}");
            else p.OwnerId = ownerId;
        }
        var fieldsProblem = ContactRules.FieldsProblem(p.Fields.ToDictionary(f => f.Key, f => (string?)f.Value));
        if (fieldsProblem is not null) p.Errors.Add(fieldsProblem);
        if (p.Get(ContactCsv.Name) is null && p.Email is null && p.Phone is null && p.ExternalId is null && p.Errors.Count == 0)
            p.Errors.Add("A contact needs at least one of name, email, phone or externalId.");
        return p;
    }

    static void Limit(Parsed p, string column, int max)
    {
        if (p.Get(column) is { Length: var length } && length > max) p.Errors.Add($"'{column}' must be at most {max} characters.");
    }

    ContactRow New(Parsed p, Instant now) => new()
    {
        Id = Guid.CreateVersion7(),
        AccountId = accountId,
        Name = p.Get(ContactCsv.Name),
        Email = p.Email,
        Phone = p.Phone,
        ExternalId = p.ExternalId,
        Company = p.Get(ContactCsv.Company),
        Notes = p.Get(ContactCsv.Notes),
        Fields = ContactFieldsJson.Write(p.Fields),
        LeadCode = p.Get(ContactCsv.LeadCode),
        LeadStatus = p.LeadStatus ?? Contacts.LeadStatus.New,
        Source = p.Get(ContactCsv.Source),
        Score = p.Score,
        OwnerId = p.OwnerId,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The matched contact with the row's non-empty cells over it (an empty cell keeps the value); null when the result breaks a limit.</summary>
    static ContactRow? Merge(ContactRow c, Parsed p, Instant now)
    {
        var fields = new Dictionary<string, string>(ContactFieldsJson.Read(c.Fields), StringComparer.Ordinal);
        foreach (var (name, value) in p.Fields) fields[name] = value;
        if (fields.Count > ContactRules.MaxFields)
        {
            p.Errors.Add($"The contact would have more than {ContactRules.MaxFields} custom fields.");
            return null;
        }
        return new ContactRow
        {
            Id = c.Id,
            AccountId = c.AccountId,
            Name = p.Get(ContactCsv.Name) ?? c.Name,
            Email = p.Email ?? c.Email,
            Phone = p.Phone ?? c.Phone,
            ExternalId = p.ExternalId ?? c.ExternalId,
            Company = p.Get(ContactCsv.Company) ?? c.Company,
            Notes = p.Get(ContactCsv.Notes) ?? c.Notes,
            Fields = ContactFieldsJson.Write(fields),
            LeadCode = p.Get(ContactCsv.LeadCode) ?? c.LeadCode,
            LeadStatus = p.LeadStatus ?? c.LeadStatus,
            Source = p.Get(ContactCsv.Source) ?? c.Source,
            Score = p.Score ?? c.Score,
            OwnerId = p.OwnerId ?? c.OwnerId,
            LastInteractionAt = c.LastInteractionAt,
            CreatedAt = c.CreatedAt,
            UpdatedAt = now,
        };
    }
}
