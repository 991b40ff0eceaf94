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
    public static async Task<List<ContactRow>> PageAsync(InboxDb db, Guid accountId, Request req, (Instant At, Guid Id)? after, int take, CancellationToken ct)
    {
        var sql = new StringBuilder(
            """
            SELECT id, account_id, name, email, phone, external_id, company, notes, fields, lead_code, lead_status, source,
                   score, owner_id, last_interaction_at, created_at, updated_at, activity_at
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
            // The tsquery is made first and passed as a value, not computed inside the query: the planner then sees
            // it, estimates how many contacts match, and uses the GIN index for a rare prefix (an InitPlan's result
            // is unknown at planning time, and it would pick a scan of the account's rows).
            var tsquery = await db.QueryToListAsync<string?>(
                "SELECT string_agg(quote_literal(public.unaccent(lower(w))) || ':*', ' & ') FROM unnest(CAST(@words AS text[])) w", ct,
                new DataParameter("words", words));
            sql.Append(" AND search_vector @@ CAST(@tsquery AS tsquery)");
            parameters.Add(new DataParameter("tsquery", tsquery.FirstOrDefault() ?? "", DataType.Text));
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
        // With q, the matches are found through the GIN index first (a materialised CTE, so the planner cannot turn
        // it into a walk of the activity index filtering every row of the account, which it prefers for a LIMIT
        // when it cannot tell how rare a prefix is), then ordered: q's matches are what is read, not the account.
        var text = words.Length == 0 ? sql.ToString()
            : "WITH matched AS MATERIALIZED (" + sql.ToString().Replace(" ORDER BY activity_at DESC, id DESC LIMIT @take", "", StringComparison.Ordinal)
              + ") SELECT * FROM matched ORDER BY activity_at DESC, id DESC LIMIT @take";
        return await db.QueryToListAsync<ContactRow>(text, ct, parameters.ToArray());
    }

    public const int MaxWords = 8;

    static string[] Words(string? q) =>
        q is null ? [] : q.Replace("\\", "", StringComparison.Ordinal)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Take(MaxWords)
            .ToArray();
}
