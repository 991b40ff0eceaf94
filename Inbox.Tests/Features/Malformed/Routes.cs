namespace Inbox.Tests.Features.Malformed;

/// <summary>Who calls a route in the sweep.</summary>
public enum Caller { Admin, ApiKey, Agent, Anonymous, Cron }

/// <summary>What a JSON body field holds, which decides the malformed values sent in its place.</summary>
public enum FieldKind { Text, Choice, Uuid, Bool, Instant, Object, TextList, UuidList }

/// <summary>What a query parameter holds.</summary>
public enum ParamKind { Text, Limit, Uuid, Bool, InstantCursor, LongCursor, RankCursor, Instant }

/// <summary>A body field by its JSON path (<c>contact.name</c>); <paramref name="Nullable"/>: null is a valid value.</summary>
public sealed record Field(string Path, FieldKind Kind, bool Nullable = false);

/// <summary>A query parameter; <paramref name="EmptyIsAbsent"/>: <c>?name=</c> reads as the parameter left out.</summary>
public sealed record Param(string Name, ParamKind Kind, bool EmptyIsAbsent = false);

/// <summary>
/// A route of API.md with a request it accepts: <see cref="Body"/> builds a valid body (fresh each time, so
/// unique fields stay unique), <see cref="Query"/> a valid query. Placeholders such as <c>{conversation}</c> are
/// filled with ids of the sweep's own account.
/// </summary>
public sealed record Route(string Method, string Template, Caller[] Callers, int ValidStatus)
{
    public Func<IReadOnlyDictionary<string, string>, JsonObject>? Body { get; init; }
    public Field[] Fields { get; init; } = [];
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();
    public Param[] Params { get; init; } = [];
    /// <summary>Whether a body with none of its fields (<c>{}</c>, empty) is valid.</summary>
    public bool EmptyBodyIsValid { get; init; }
    /// <summary>
    /// Another answer the final valid request may get, when a malformed case that was in fact valid (a nullable
    /// field sent as null) already did what it does.
    /// </summary>
    public int? ValidAlso { get; init; }

    public string Name => $"{Method} {Template}";
    public override string ToString() => Name;
}

/// <summary>Every route the service has, as API.md describes it.</summary>
public static class Routes
{
    static readonly Caller[] Admin = [Caller.Admin];
    static readonly Caller[] AdminAndKey = [Caller.Admin, Caller.ApiKey];
    static readonly Caller[] Anyone = [Caller.Anonymous];
    static readonly Param[] Page = [new("limit", ParamKind.Limit), new("cursor", ParamKind.InstantCursor)];

    static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    static string UniqueEmail() => $"sweep.{Guid.NewGuid():N}@example.com";

    public static readonly Route[] All =
    [
        // Accounts, users, keys
        new("POST", "/api/accounts", Anyone, 201)
        {
            Body = _ => new JsonObject { ["accountName"] = "Sweep", ["name"] = "Sam Sweep", ["email"] = UniqueEmail(), ["password"] = "correct horse battery" },
            Fields = [new("accountName", FieldKind.Text), new("name", FieldKind.Text), new("email", FieldKind.Text), new("password", FieldKind.Text)],
        },
        new("POST", "/api/auth/login", Anyone, 200)
        {
            Body = p => new JsonObject { ["email"] = p["{adminEmail}"], ["password"] = "correct horse battery" },
            Fields = [new("email", FieldKind.Text), new("password", FieldKind.Text)],
        },
        new("POST", "/api/auth/refresh", Anyone, 200)
        {
            Body = p => new JsonObject { ["refreshToken"] = p["{refreshToken}"] },
            Fields = [new("refreshToken", FieldKind.Text)],
        },
        new("POST", "/api/auth/logout", [Caller.Agent], 204)
        {
            Body = p => new JsonObject { ["refreshToken"] = p["{agentRefreshToken}"] },
            Fields = [new("refreshToken", FieldKind.Text)],
        },
        new("GET", "/api/me", Admin, 200),
        new("POST", "/api/users", Admin, 201)
        {
            Body = _ => new JsonObject { ["name"] = "Ada Agent", ["email"] = UniqueEmail(), ["password"] = "correct horse battery", ["role"] = "agent" },
            Fields = [new("name", FieldKind.Text), new("email", FieldKind.Text), new("password", FieldKind.Text), new("role", FieldKind.Choice)],
        },
        new("GET", "/api/users", Admin, 200),
        new("PATCH", "/api/users/{agentId}", Admin, 200)
        {
            Body = _ => new JsonObject { ["name"] = "Ada Agent", ["role"] = "agent", ["active"] = true },
            Fields = [new("name", FieldKind.Text), new("role", FieldKind.Choice), new("active", FieldKind.Bool)],
            EmptyBodyIsValid = true,
        },
        new("POST", "/api/api-keys", Admin, 201)
        {
            Body = _ => new JsonObject { ["name"] = "sweep" },
            Fields = [new("name", FieldKind.Text)],
        },
        new("GET", "/api/api-keys", Admin, 200),
        new("DELETE", "/api/api-keys/{apiKey}", Admin, 204),

        // Conversations and messages
        new("POST", "/api/conversations", AdminAndKey, 201)
        {
            Body = p => Json($$"""
                {"subject":"Commande","channel":"email","contact":{"name":"Léa","email":"lea@example.com","phone":"+33612345678","externalId":"ext-1"},
                 "assigneeId":"{{p["{adminId}"]}}","participantIds":["{{p["{adminId}"]}}"]}
                """),
            Fields =
            [
                new("subject", FieldKind.Text, Nullable: true), new("channel", FieldKind.Text, Nullable: true), new("contact", FieldKind.Object),
                new("contact.name", FieldKind.Text, Nullable: true), new("contact.email", FieldKind.Text, Nullable: true),
                new("contact.phone", FieldKind.Text, Nullable: true), new("contact.externalId", FieldKind.Text, Nullable: true),
                new("assigneeId", FieldKind.Uuid, Nullable: true), new("participantIds", FieldKind.UuidList, Nullable: true),
            ],
        },
        new("GET", "/api/conversations", Admin, 200)
        {
            Query = new Dictionary<string, string> { ["status"] = "open", ["limit"] = "10" },
            Params = [new("status", ParamKind.Text), new("assigneeId", ParamKind.Uuid), .. Page],
        },
        new("GET", "/api/conversations/{conversation}", Admin, 200),
        new("PATCH", "/api/conversations/{conversation}", Admin, 200)
        {
            Body = p => new JsonObject { ["subject"] = "Commande", ["status"] = "open", ["assigneeId"] = p["{adminId}"] },
            Fields = [new("subject", FieldKind.Text, Nullable: true), new("status", FieldKind.Choice, Nullable: true), new("assigneeId", FieldKind.Uuid, Nullable: true)],
        },
        new("POST", "/api/conversations/{conversation}/messages", AdminAndKey, 201)
        {
            Body = _ => new JsonObject { ["body"] = "Bonjour", ["direction"] = "outgoing" },
            Fields = [new("body", FieldKind.Text), new("direction", FieldKind.Choice, Nullable: true)],
        },
        new("GET", "/api/conversations/{conversation}/messages", Admin, 200)
        {
            Query = new Dictionary<string, string> { ["limit"] = "10" },
            Params = [new("limit", ParamKind.Limit), new("cursor", ParamKind.LongCursor), new("after", ParamKind.Uuid)],
        },

        // Read receipts
        new("POST", "/api/conversations/{conversation}/read", Admin, 200)
        {
            Body = p => new JsonObject { ["messageId"] = p["{message}"] },
            Fields = [new("messageId", FieldKind.Uuid, Nullable: true)],
            EmptyBodyIsValid = true,
        },
        new("GET", "/api/conversations/{conversation}/receipts", Admin, 200),
        new("GET", "/api/unread", Admin, 200),
        new("PUT", "/api/conversations/{conversation}/mute", Admin, 200)
        {
            Body = _ => new JsonObject { ["muted"] = false },
            Fields = [new("muted", FieldKind.Bool)],
        },

        // Search, presence
        new("GET", "/api/search/messages", Admin, 200)
        {
            Query = new Dictionary<string, string> { ["q"] = "bonjour", ["from"] = "2020-01-01T00:00:00Z", ["to"] = "2100-01-01T00:00:00Z", ["limit"] = "10" },
            Params =
            [
                new("q", ParamKind.Text), new("conversationId", ParamKind.Uuid), new("from", ParamKind.Instant), new("to", ParamKind.Instant),
                new("limit", ParamKind.Limit), new("cursor", ParamKind.RankCursor),
            ],
        },
        new("GET", "/api/presence", Admin, 200),

        // Tickets and machines
        new("POST", "/api/machines", Admin, 201)
        {
            Body = _ => new JsonObject { ["name"] = "Tour", ["location"] = "Atelier", ["serialNumber"] = "SN-1" },
            Fields = [new("name", FieldKind.Text), new("location", FieldKind.Text, Nullable: true), new("serialNumber", FieldKind.Text, Nullable: true)],
        },
        new("GET", "/api/machines", Admin, 200),
        new("PATCH", "/api/machines/{machine}", Admin, 200)
        {
            // Every field is optional; an edit that changes nothing answers the machine as it is.
            EmptyBodyIsValid = true,
            Body = _ => new JsonObject { ["name"] = "Tour", ["location"] = "Atelier", ["serialNumber"] = "SN-1" },
            Fields = [new("name", FieldKind.Text), new("location", FieldKind.Text, Nullable: true), new("serialNumber", FieldKind.Text, Nullable: true)],
        },
        new("POST", "/api/tickets", AdminAndKey, 201)
        {
            Body = p => new JsonObject
            {
                ["title"] = "Bruit", ["description"] = "Grince", ["machineId"] = p["{machine}"], ["priority"] = "high",
                ["scheduledAt"] = "2030-01-01T08:00:00Z", ["assigneeId"] = p["{adminId}"],
            },
            Fields =
            [
                new("title", FieldKind.Text), new("description", FieldKind.Text, Nullable: true), new("machineId", FieldKind.Uuid, Nullable: true),
                new("priority", FieldKind.Choice, Nullable: true), new("scheduledAt", FieldKind.Instant, Nullable: true), new("assigneeId", FieldKind.Uuid, Nullable: true),
            ],
        },
        new("GET", "/api/tickets", Admin, 200)
        {
            Query = new Dictionary<string, string> { ["status"] = "received", ["overdue"] = "false", ["limit"] = "10" },
            Params = [new("status", ParamKind.Text), new("assigneeId", ParamKind.Uuid), new("machineId", ParamKind.Uuid), new("overdue", ParamKind.Bool, EmptyIsAbsent: true), .. Page],
        },
        new("GET", "/api/tickets/{ticket}", Admin, 200),
        new("PATCH", "/api/tickets/{ticket}", Admin, 200)
        {
            // Every field is optional; an edit that changes nothing answers the ticket as it is.
            EmptyBodyIsValid = true,
            Body = p => new JsonObject
            {
                ["title"] = "Bruit", ["description"] = "Grince", ["priority"] = "low", ["machineId"] = p["{machine}"],
                ["scheduledAt"] = "2030-01-01T08:00:00Z", ["assigneeId"] = p["{adminId}"],
            },
            Fields =
            [
                new("title", FieldKind.Text), new("description", FieldKind.Text, Nullable: true), new("priority", FieldKind.Choice),
                new("machineId", FieldKind.Uuid, Nullable: true), new("scheduledAt", FieldKind.Instant, Nullable: true), new("assigneeId", FieldKind.Uuid, Nullable: true),
            ],
        },
        new("POST", "/api/tickets/{ticket}/status", Admin, 200)
        {
            // received → received is refused by the workflow (409); a malformed request never gets that far.
            Body = _ => new JsonObject { ["status"] = "diagnostic", ["note"] = "vu" },
            Fields = [new("status", FieldKind.Choice), new("note", FieldKind.Text, Nullable: true)],
            // "note": null is valid and moves the ticket to diagnostic; the same move again is a 409.
            ValidAlso = 409,
        },
        new("GET", "/api/tickets/{ticket}/history", Admin, 200),

        // Contacts and leads (v2). The custom "fields" object is left out of the sweep: {} is a valid value of it
        // (no custom fields), which the sweep's object cases count as malformed; Contacts/Tests covers its limits.
        new("PATCH", "/api/account", Admin, 200)
        {
            EmptyBodyIsValid = true,
            Body = _ => new JsonObject { ["name"] = "Sweep", ["defaultPhoneRegion"] = "FR" },
            Fields = [new("name", FieldKind.Text), new("defaultPhoneRegion", FieldKind.Choice, Nullable: true)],
        },
        new("POST", "/api/contacts", AdminAndKey, 201)
        {
            Body = p => new JsonObject
            {
                ["name"] = "Léa Martin", ["email"] = UniqueEmail(), ["phone"] = $"+3361{Random.Shared.Next(1_000_000, 9_999_999)}",
                ["externalId"] = $"ext-{Guid.NewGuid():N}", ["company"] = "ACME", ["notes"] = "note", ["leadCode"] = "L-1",
                ["leadStatus"] = "contacted", ["source"] = "website", ["ownerId"] = p["{adminId}"],
            },
            Fields =
            [
                new("name", FieldKind.Text, Nullable: true), new("email", FieldKind.Text, Nullable: true), new("phone", FieldKind.Text, Nullable: true),
                new("externalId", FieldKind.Text, Nullable: true), new("company", FieldKind.Text, Nullable: true), new("notes", FieldKind.Text, Nullable: true),
                new("leadCode", FieldKind.Text, Nullable: true), new("leadStatus", FieldKind.Choice, Nullable: true), new("source", FieldKind.Text, Nullable: true),
                new("ownerId", FieldKind.Uuid, Nullable: true),
            ],
        },
        new("GET", "/api/contacts", AdminAndKey, 200)
        {
            Query = new Dictionary<string, string> { ["q"] = "lea", ["leadStatus"] = "new", ["limit"] = "10" },
            Params = [new("q", ParamKind.Text), new("leadStatus", ParamKind.Text), new("ownerId", ParamKind.Uuid), new("source", ParamKind.Text), .. Page],
        },
        new("GET", "/api/contacts/{contact}", AdminAndKey, 200),
        new("PATCH", "/api/contacts/{contact}", Admin, 200)
        {
            EmptyBodyIsValid = true,
            Body = p => new JsonObject
            {
                ["name"] = "Léa Martin", ["email"] = "lea.sweep@example.com", ["phone"] = "+33698765432", ["company"] = "ACME",
                ["notes"] = "note", ["leadCode"] = "L-1", ["source"] = "website", ["ownerId"] = p["{adminId}"],
            },
            Fields =
            [
                new("name", FieldKind.Text, Nullable: true), new("email", FieldKind.Text, Nullable: true), new("phone", FieldKind.Text, Nullable: true),
                new("company", FieldKind.Text, Nullable: true), new("notes", FieldKind.Text, Nullable: true), new("leadCode", FieldKind.Text, Nullable: true),
                new("source", FieldKind.Text, Nullable: true), new("ownerId", FieldKind.Uuid, Nullable: true),
            ],
        },
        new("DELETE", "/api/contacts/{spareContact}", Admin, 204),
        new("POST", "/api/contacts/{contact}/lead-status", Admin, 200)
        {
            Body = _ => new JsonObject { ["status"] = "contacted", ["note"] = "appelée" },
            Fields = [new("status", FieldKind.Choice), new("note", FieldKind.Text, Nullable: true)],
            // "note": null is valid and moves the lead to contacted; the same move again is a 409.
            ValidAlso = 409,
        },
        new("GET", "/api/contacts/{contact}/history", Admin, 200),
        new("GET", "/api/contacts/{contact}/conversations", Admin, 200)
        {
            Query = new Dictionary<string, string> { ["limit"] = "10" },
            Params = Page,
        },
        new("POST", "/api/contacts/{mergeContact}/merge", Admin, 200)
        {
            Body = p => new JsonObject { ["duplicateId"] = p["{mergeDuplicate}"] },
            Fields = [new("duplicateId", FieldKind.Uuid)],
        },
        new("POST", "/api/contacts/import", Admin, 200)
        {
            Query = new Dictionary<string, string> { ["dryRun"] = "true" },
            Params = [new("dryRun", ParamKind.Bool)],
        },
        new("GET", "/api/contacts/export", Admin, 200),

        // Webhooks and cron
        new("POST", "/api/webhooks/endpoints", Admin, 201)
        {
            Body = _ => new JsonObject { ["url"] = "http://127.0.0.1:9/hook", ["events"] = new JsonArray("ticket.overdue") },
            Fields = [new("url", FieldKind.Text), new("events", FieldKind.TextList)],
        },
        new("GET", "/api/webhooks/endpoints", Admin, 200),
        new("POST", "/api/webhooks/endpoints/{webhookEndpoint}/test", Admin, 200),
        new("DELETE", "/api/webhooks/endpoints/{spareWebhookEndpoint}", Admin, 204),
        new("GET", "/api/webhooks/notifications", Admin, 200)
        {
            Query = new Dictionary<string, string> { ["limit"] = "10" },
            // Webhooks' own request (not swept for this yet): an empty ticketId still reads as no filter.
            Params =
            [
                new("ticketId", ParamKind.Uuid, EmptyIsAbsent: true), new("contactId", ParamKind.Uuid, EmptyIsAbsent: true),
                new("endpointId", ParamKind.Uuid, EmptyIsAbsent: true), new("eventType", ParamKind.Text), .. Page,
            ],
        },
        new("PATCH", "/api/webhooks/endpoints/{webhookEndpoint}", Admin, 200)
        {
            EmptyBodyIsValid = true,
            Body = _ => new JsonObject { ["url"] = "http://127.0.0.1:9/hook", ["events"] = new JsonArray("ticket.overdue", "contact.created"), ["enabled"] = true },
            Fields = [new("url", FieldKind.Text), new("events", FieldKind.TextList), new("enabled", FieldKind.Bool)],
        },
        new("POST", "/api/webhooks/notifications/{notification}/replay", Admin, 202),
        new("POST", "/api/cron/check-overdue", [Caller.Cron], 200),

        // Operations
        new("GET", "/health", Anyone, 200),
        new("GET", "/ready", Anyone, 200),
    ];
}
