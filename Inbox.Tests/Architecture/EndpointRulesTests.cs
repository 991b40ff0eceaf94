using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Inbox.Tests.Architecture;

public sealed class EndpointRulesTests(InboxApp app) : IClassFixture<InboxApp>
{
    /// <summary>
    /// FastEndpoints lets any authenticated principal in when an endpoint names no role, and an API key is an
    /// authenticated principal: so every endpoint must either be anonymous on purpose or name its roles.
    /// </summary>
    [Fact]
    public void Every_endpoint_is_anonymous_on_purpose_or_names_its_roles()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);

        var unguarded = endpoints
            .Where(e => e.RoutePattern.RawText?.StartsWith('_') != true) // FastEndpoints' own test-mode helper route
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Roles)) &&
                        !e.Metadata.GetOrderedMetadata<AuthorizationPolicy>().Any(p => p.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().Any()))
            .Select(e => e.RoutePattern.RawText)
            .ToList();

        Assert.True(unguarded.Count == 0, "endpoints without a role or AllowAnonymous: " + string.Join(", ", unguarded));
    }

    /// <summary>
    /// An idempotent POST's writes must commit with its stored answer, in the transaction the Idempotency-Key
    /// middleware opens on the request's own <see cref="Inbox.Infrastructure.Database.InboxDb"/>. A slice that opened
    /// a connection of its own (<see cref="Inbox.Infrastructure.Database.InboxDatabase"/>) would commit apart from it,
    /// and a fault between the two could create twice. So no type of such a slice may use InboxDatabase.
    /// </summary>
    [Fact]
    public void Idempotent_routes_write_only_through_the_requests_own_connection()
    {
        var idempotent = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<Inbox.Infrastructure.Http.Idempotent>() is not null)
            .Select(e => e.Metadata.GetMetadata<FastEndpoints.EndpointDefinition>()?.EndpointType.Namespace)
            .OfType<string>()
            .Distinct()
            .ToList();
        Assert.True(idempotent.Count >= 7, $"expected the seven creating routes, found {idempotent.Count}");

        var offending = idempotent
            .Where(slice => NetArchTest.Rules.Types.InAssembly(typeof(Program).Assembly)
                .That().ResideInNamespaceMatching($"^{System.Text.RegularExpressions.Regex.Escape(slice)}$")
                .And().HaveDependencyOn("Inbox.Infrastructure.Database.InboxDatabase")
                .GetTypes().Any())
            .ToList();

        Assert.True(offending.Count == 0, "idempotent slices that open their own connection: " + string.Join(", ", offending));
    }
}
