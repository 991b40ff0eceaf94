using Inbox.Infrastructure.Time;

namespace Inbox.Features.ApiKeys.Create;

public sealed class Request
{
    public const int MaxNameLength = 200;

    public string Name { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(x => x.Name).NotEmpty().MaximumLength(MaxNameLength);
    }
}

/// <summary><c>key</c> is in this answer only; the service keeps just its hash.</summary>
public sealed record Response(Guid Id, string Name, string Prefix, string Key, Instant CreatedAt);

public sealed class Endpoint(InboxDb db, IClock clock) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api/api-keys");
        Roles(InboxRoles.Admin);
        Options(b => b.WithMetadata(Idempotent.Marker));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (key, prefix, hash) = ApiKeyFormat.Generate();
        var row = new ApiKeyRow
        {
            Id = Guid.CreateVersion7(),
            AccountId = User.Caller().AccountId,
            Name = req.Name.Trim(),
            Prefix = prefix,
            KeyHash = hash,
            CreatedAt = clock.NowForDatabase(),
        };
        await db.InsertAsync(row, token: ct);
        await Send.ResponseAsync(new Response(row.Id, row.Name, row.Prefix, key, row.CreatedAt), StatusCodes.Status201Created, ct);
    }
}
