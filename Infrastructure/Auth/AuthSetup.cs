using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Inbox.Infrastructure.Auth;

public static class AuthSetup
{
    const string Selector = "BearerOrApiKey";

    /// <summary>
    /// Two ways in: a bearer access token (users) or an <c>X-Api-Key</c> header (integrations). A policy
    /// scheme picks one per request by the header present, so endpoints only name roles.
    /// </summary>
    public static IServiceCollection AddInboxAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.Configure<AuthOptions>(configuration.GetSection(AuthOptions.Section));
        services.AddSingleton(sp => new AccessTokenKey(SigningKey.Resolve(sp.GetRequiredService<IOptions<AuthOptions>>().Value, environment)));
        services.AddSingleton<AccessTokens>();

        services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, Selector, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyFormat.Header) ? ApiKeyAuthenticationHandler.SchemeName : JwtBearerDefaults.AuthenticationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on a WebSocket upgrade, so /ws takes the token from the query.
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Path.StartsWithSegments("/ws") && context.Request.Query.TryGetValue("access_token", out var token))
                            context.Token = token.ToString();
                        return Task.CompletedTask;
                    },
                };
            });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<AccessTokenKey, IOptions<AuthOptions>>((jwt, key, auth) =>
                jwt.TokenValidationParameters = AccessTokens.ValidationParameters(key, auth.Value));

        services.AddAuthorization();
        return services;
    }
}
