namespace Inbox.Features.Contacts.Import;

/// <summary>
/// The body is the CSV itself (<c>text/csv</c>), read as a stream; the query's <c>dryRun=true</c> matches and checks
/// every row and answers the report, writing nothing.
/// </summary>
public static class ImportLimits
{
    public const long MaxBodyBytes = 20 * 1024 * 1024;
    public const int BatchSize = 500;
}
