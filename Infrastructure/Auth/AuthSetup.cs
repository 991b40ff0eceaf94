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
            // /ws checks its ?access_token= itself (RealtimeMiddleware), with the same parameters.
            .AddJwtBearer(o => o.MapInboundClaims = false);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<AccessTokenKey, IOptions<AuthOptions>, SessionRevocations>((jwt, key, auth, revocations) =>
            {
                jwt.TokenValidationParameters = AccessTokens.ValidationParameters(key, auth.Value);
                // A well-signed, unexpired token of a session that ended (logout, refresh-token reuse, deactivated
                // user) is refused like a bad one: 401. From memory, no database round trip (SessionRevocations).
                jwt.Events = new JwtBearerEvents
                {
                    OnTokenValidated = async context =>
                    {
                        var sessionId = Guid.TryParse(context.Principal?.FindFirst(InboxClaims.Session)?.Value, out var id) ? id : (Guid?)null;
                        if (!await AccessTokens.SessionIsLiveAsync(sessionId, revocations, context.HttpContext.RequestAborted))
                            context.Fail("The session of this access token has ended.");
                    },
                };
            });
        // Revocations reach this instance from every other one through PostgreSQL LISTEN/NOTIFY.
        services.AddSingleton<SessionListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionListener>());

        services.AddAuthorization();
        return services;
    }
}
