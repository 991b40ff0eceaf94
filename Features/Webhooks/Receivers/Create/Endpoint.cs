using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;

namespace Inbox.Features.Webhooks.Endpoints.Create;

public sealed class Request
{
    public const int MaxEvents = 10;

    public string? Url { get; set; }
    public string?[]? Events { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(x => x.Url).NotEmpty().MaximumLength(WebhookUrl.MaxLength);
            RuleFor(x => x.Events).NotEmpty().Must(e => e is null || e.Length <= MaxEvents).WithMessage($"'{{PropertyName}}' must not list more than {MaxEvents} events.");
            RuleForEach(x => x.Events).Must(e => e is not null && WebhookEvents.Subscribable.Contains(e))
                .WithMessage($"Each event must be one of: {string.Join(", ", WebhookEvents.Subscribable)}.");
        }
    }
}

/// <summary><c>secret</c> is in this answer only.</summary>
public sealed record Response(Guid Id, string Url, IReadOnlyList<string> Events, string Secret, Instant CreatedAt);

/// <summary>
/// Adds an endpoint to the caller's account. The URL must be https in Production and must not point at a
/// loopback, private, link-local or metadata address unless <c>Webhooks:AllowPrivateNetworks</c> is set.
/// </summary>
public sealed class Endpoint(InboxDb db, IClock clock, IHostEnvironment environment, IOptions<WebhookOptions> options) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api/webhooks/endpoints");
        Roles(InboxRoles.Admin);
        Options(b => b.WithMetadata(Idempotent.Marker));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var url = req.Url!.Trim();
        if (await WebhookUrl.ProblemAsync(url, environment.IsProduction(), options.Value.AllowPrivateNetworks, ct) is { } problem)
            ThrowError(r => r.Url, problem);

        var row = new WebhookEndpointRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = User.Caller().AccountId,
            Url = url,
            Events = req.Events!.Distinct().ToArray()!,
            Secret = WebhookEvents.NewSecret(),
            Enabled = true,
            CreatedAt = clock.NowForDatabase(),
        };
        await db.InsertAsync(row, token: ct);
        await Send.ResponseAsync(new Response(row.Id, row.Url, row.Events, row.Secret, row.CreatedAt), StatusCodes.Status201Created, ct);
    }
}
