using System.Diagnostics;
using System.Text;
using Inbox.Infrastructure.Time;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Inbox.Features.Webhooks;

/// <summary>The outcome of one post: what the delivery log records.</summary>
public sealed record WebhookAttempt(Instant SentAt, int? StatusCode, string? Error, int DurationMs, string? ResponseBody)
{
    /// <summary>The post was cut by the caller (shutdown, or the request that ran it ended): whether the receiver got it is unknown.</summary>
    public bool Interrupted { get; init; }

    public bool Succeeded => StatusCode is >= 200 and < 300;
    /// <summary>410 Gone: the receiver says this endpoint will never take posts again.</summary>
    public bool Gone => StatusCode == StatusCodes.Status410Gone;
}

/// <summary>
/// Posts one signed event, once: no retry here (retries are persisted and driven by the dispatcher, so they
/// survive a restart and never hold a run up). The client comes from IHttpClientFactory (named <see cref="ClientName"/>:
/// no redirects, no proxy, the SSRF connect check), and one attempt is bounded by a Polly timeout that covers
/// connecting, sending, the headers and the first 1 KB of the answer.
/// </summary>
public sealed class WebhookSender(
    IHttpClientFactory clients, IClock clock, IOptions<WebhookOptions> options, IHostEnvironment environment, IHostApplicationLifetime lifetime)
{
    public const string ClientName = "webhooks";
    public const int MaxResponseBodyBytes = 1024;

    public const string Stopping = "the service was stopping: the post was cut off and its outcome is unknown";
    public const string Cancelled = "the post was cancelled before an answer came: its outcome is unknown";

    // Polly's timeout cancels the attempt and reports TimeoutRejectedException, which tells our own timeout apart
    // from the caller's cancellation (the host shutting down) without comparing tokens by hand.
    readonly ResiliencePipeline _timeout = new ResiliencePipelineBuilder().AddTimeout(options.Value.PostTimeout).Build();

    public async Task<WebhookAttempt> PostAsync(string url, string secret, string eventId, string payload, CancellationToken ct)
    {
        var sentAt = clock.NowForDatabase();
        var started = Stopwatch.GetTimestamp();
        int? status = null;
        string? error = null, body = null;
        var interrupted = false;
        try
        {
            if (environment.IsProduction() && !url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException("refused: webhook URLs must be https in production");
            (status, body) = await _timeout.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(payload, Encoding.UTF8, "application/json"),
                };
                var timestamp = sentAt.ToUnixTimeSeconds();
                request.Headers.Add(WebhookSignature.IdHeader, eventId);
                request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, eventId, timestamp, payload));
                using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                return ((int?)response.StatusCode, await ReadPrefixAsync(response.Content, token));
            }, ct);
            error = Describe(status!.Value);
        }
        catch (TimeoutRejectedException)
        {
            error = $"timed out after {(int)options.Value.PostTimeout.TotalMilliseconds} ms";
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Cut by the caller, not by the receiver: an outcome too (the log must show the attempt), never an
            // exception that would leave it unrecorded. Whatever the cut surfaced as (a cancellation, a reset
            // connection) says nothing about the receiver.
            interrupted = true;
            error = lifetime.ApplicationStopping.IsCancellationRequested ? Stopping : Cancelled;
        }
        catch (Exception e)
        {
            // Whatever went wrong with this one post (refused address, connection reset, TLS, a URL that no longer
            // parses) is this attempt's error; it must not end the dispatcher's run and leave the delivery leased.
            error = Describe(e, url);
        }
        var duration = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return new WebhookAttempt(sentAt, status, error, duration, body) { Interrupted = interrupted };
    }

    static string? Describe(int status) => status switch
    {
        >= 200 and < 300 => null,
        StatusCodes.Status410Gone => "the receiver answered 410 Gone: the endpoint is disabled",
        >= 300 and < 400 => $"the receiver answered {status}, a redirect, which is not followed",
        _ => $"the receiver answered {status}",
    };

    /// <summary>
    /// The innermost message that says something: the SSRF refusal, the socket error, the TLS failure. The log is
    /// read by tenant admins, so no address the host name resolved to may show in it: the refusal names none, and
    /// any address in a framework message that is not the URL's own host is blanked out.
    /// </summary>
    static string Describe(Exception e, string url)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is BlockedAddressException blocked) return "refused: " + blocked.Message;
        var message = PublicNetwork.RedactAddresses(e.GetBaseException().Message, url);
        return e is HttpRequestException ? $"connection failed: {message}" : message;
    }

    static async Task<string?> ReadPrefixAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxResponseBodyBytes];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), ct)) > 0)
            filled += read;
        // A cut in the middle of a UTF-8 sequence decodes as U+FFFD, and PostgreSQL text refuses NUL.
        return filled == 0 ? null : Encoding.UTF8.GetString(buffer, 0, filled).Replace('\0', '\uFFFD');
    }
}
