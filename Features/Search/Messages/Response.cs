using Inbox.Features.Shapes;

namespace Inbox.Features.Search.Messages;

/// <summary>
/// One hit: the message, its rank (higher is better), and <c>highlight</c>, the body HTML-escaped with the matched
/// words wrapped in <c>&lt;mark&gt;…&lt;/mark&gt;</c>, safe to insert as HTML.
/// </summary>
public sealed record Response(MessageResponse Message, double Rank, string Highlight);
