namespace Inbox.Features.Contacts.Import;

public sealed record Response(int Created, int Updated, int Skipped, IReadOnlyList<RowReport> Rows);

/// <summary><c>row</c>: the record's position in the file, the header being row 1 (a quoted newline does not count).</summary>
public sealed record RowReport(int Row, string Action, Guid? ContactId, IReadOnlyList<string> Errors);

public static class ImportAction
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Skipped = "skipped";
}
