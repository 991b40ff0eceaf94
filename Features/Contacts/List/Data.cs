using System.Text;
using LinqToDB.Data;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Contacts.List;

static class Data
{
    /// <summary>
    /// A page of the account's contacts, latest interaction first, then newest created (ids are UUIDv7), after the
    /// cursor's row: the row value (activity_at, id) compared inside the index of the filter used. Never-written-to
    /// contacts sort last (activity_at is -infinity for them), and their cursor carries
    /// <see cref="InstantJsonConverter.MinValue"/> as a stand-in, which no interaction can be.
    /// </summary>
    /// <remarks>
    /// q is split into words; every word must be the start of a lexeme of search_vector (see migration 0011 and
    /// docs/contacts.md): the words are lowercased and unaccented as the column's dictionaries do, and joined into a
    /// prefix tsquery by the database (quote_literal, so no word can inject tsquery syntax; backslashes, which
    /// quote_literal would escape in a form tsquery does not read, are dropped first).
    /// </remarks>
    public static Task<List<ContactRow>> PageAsync(InboxDb db, Guid accountId, Request req, (Instant At, Guid Id)? after, int take, CancellationToken ct)
    {
        var sql = new StringBuilder(
            """
            SELECT id, account_id, name, email, phone, external_id, company, notes, fields, lead_code, lead_status, source,
                   score, owner_id, last_interaction_at, created_at, updated_at
            FROM contacts WHERE account_id = @account
            """);
        var parameters = new List<DataParameter> { new("account", accountId, DataType.Guid), new("take", take) };
        if (req.LeadStatus is not null)
        {
            sql.Append(" AND lead_status = @status");
            parameters.Add(new DataParameter("status", req.LeadStatus, DataType.Text));
        }
        if (req.OwnerId is not null)
        {
            sql.Append(" AND owner_id = @owner");
            parameters.Add(new DataParameter("owner", req.OwnerId, DataType.Guid));
        }
        if (req.Source is not null)
        {
            sql.Append(" AND source = @source");
            parameters.Add(new DataParameter("source", req.Source, DataType.Text));
        }
        var words = Words(req.Q);
        if (words.Length > 0)
        {
            sql.Append(
                """
                 AND search_vector @@ (SELECT string_agg(quote_literal(public.unaccent(lower(w))) || ':*', ' & ')
                                       FROM unnest(CAST(@words AS text[])) w)::tsquery
                """);
            parameters.Add(new DataParameter("words", words));
        }
        if (after is var (at, id))
        {
            sql.Append(at == InstantJsonConverter.MinValue
                ? " AND (activity_at, id) < ('-infinity'::timestamptz, @id)"
                : " AND (activity_at, id) < (@at, @id)");
            parameters.Add(new DataParameter("at", at));
            parameters.Add(new DataParameter("id", id, DataType.Guid));
        }
        sql.Append(" ORDER BY activity_at DESC, id DESC LIMIT @take");
        return db.QueryToListAsync<ContactRow>(sql.ToString(), ct, parameters.ToArray());
    }

    public const int MaxWords = 8;

    static string[] Words(string? q) =>
        q is null ? [] : q.Replace("\\", "", StringComparison.Ordinal)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Take(MaxWords)
            .ToArray();
}
