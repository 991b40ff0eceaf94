using Inbox.Infrastructure.Time;

namespace Inbox.Features.ApiKeys.Create;

/// <summary>Creates an API key of the caller's account; the key itself is answered once, then only its hash is kept.</summary>
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
        await Data.InsertAsync(db, row, ct);
        await Send.ResponseAsync(new Response(row.Id, row.Name, row.Prefix, key, row.CreatedAt), StatusCodes.Status201Created, ct);
    }
}
