using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Npgsql;

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
                jwt.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context => CheckSessionAsync(context, revocations),
                    OnChallenge = AnswerUnavailableAsync,
                };
            });
        // Revocations reach this instance from every other one through PostgreSQL LISTEN/NOTIFY.
        services.AddSingleton<SessionListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionListener>());

        services.AddAuthorization();
        return services;
    }

    const string SessionCheckUnavailable = "Inbox.SessionCheckUnavailable";

    /// <summary>
    /// A well-signed, unexpired token of a session that ended (logout, refresh-token reuse, a deactivated user) is
    /// refused like a bad one: 401. Answered from memory (SessionRevocations), except while this instance's set is
    /// not known complete: then the database decides, and when it cannot be reached the request is neither let in
    /// nor told its token is bad (a client would sign out), it is answered 503 by <see cref="AnswerUnavailableAsync"/>.
    /// Not thrown: the bearer handler would log every such request as an error with its stack trace.
    /// </summary>
    static async Task CheckSessionAsync(TokenValidatedContext context, SessionRevocations revocations)
    {
        var sessionId = Guid.TryParse(context.Principal?.FindFirst(InboxClaims.Session)?.Value, out var id) ? id : (Guid?)null;
        try
        {
            if (!await AccessTokens.SessionIsLiveAsync(sessionId, revocations, context.HttpContext.RequestAborted))
                context.Fail("The session of this access token has ended.");
        }
        catch (Exception e) when (e is NpgsqlException { IsTransient: true } or TimeoutException)
        {
            context.HttpContext.Items[SessionCheckUnavailable] = true;
            context.Fail("The session of this access token cannot be checked right now.");
        }
    }

    static async Task AnswerUnavailableAsync(JwtBearerChallengeContext context)
    {
        if (!context.HttpContext.Items.ContainsKey(SessionCheckUnavailable)) return;
        context.HandleResponse();
        context.Response.Headers.RetryAfter = "5";
        await Problem.WriteAsync(context.HttpContext, StatusCodes.Status503ServiceUnavailable, "The database is not reachable right now; try again shortly.");
    }
}
