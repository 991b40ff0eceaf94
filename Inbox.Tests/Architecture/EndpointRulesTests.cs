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
}
