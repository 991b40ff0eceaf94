using System.Text.Json;
using Inbox.Infrastructure.Json;

namespace Inbox.Features.Webhooks.Receivers.Test;

/// <summary>The body of a <c>webhook.test</c> event.</summary>
public sealed record TestPayload(string Type, Instant Timestamp, TestData Data)
{
    static readonly JsonSerializerOptions Json = JsonSetup.Wire;

    public static string Serialize(Guid endpointId, Instant now) =>
        JsonSerializer.Serialize(new TestPayload(WebhookEvents.Test, now, new TestData(endpointId)), Json);
}

public sealed record TestData(Guid EndpointId);
