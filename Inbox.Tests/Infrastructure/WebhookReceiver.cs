using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Inbox.Tests.Infrastructure;

/// <summary>
/// A webhook receiver for tests: a real Kestrel server on a loopback port that records every post to its own
/// path (a fresh one per receiver, so a post meant for another test's receiver, even on a reused port, is never
/// counted) and answers what the test scripted: statuses in order, a hang, a redirect; 200 once the script is spent.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    /// <summary>One post as received: the Standard Webhooks headers, the body, and when it arrived (receiver's stopwatch).</summary>
    public sealed record Received(string Path, string? Id, string? Timestamp, string? Signature, string? ContentType, string Body, TimeSpan ArrivedAt);

    readonly WebApplication _server;
    readonly string _path = $"/hooks/{Guid.NewGuid():N}";
    readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();
    readonly List<Received> _received = [];
    readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    readonly Stopwatch _stopwatch = Stopwatch.StartNew();
    readonly CancellationTokenSource _stopping = new();

    WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.Run(HandleAsync);
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver._server.StartAsync();
        var address = receiver._server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The URL to register as an endpoint.</summary>
    public string Url => new Uri(BaseAddress, _path).ToString();

    /// <summary>The next posts are answered with these statuses, in order.</summary>
    public WebhookReceiver Answer(params int[] statuses)
    {
        foreach (var status in statuses)
            _script.Enqueue(context =>
            {
                context.Response.StatusCode = status;
                return context.Response.WriteAsync($"answered {status}");
            });
        return this;
    }

    /// <summary>The next post gets no answer until the sender gives up (or the receiver stops).</summary>
    public WebhookReceiver Hang()
    {
        _script.Enqueue(async context =>
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, either.Token);
            }
            catch (OperationCanceledException)
            {
            }
        });
        return this;
    }

    /// <summary>The next post is answered 302 to another path of this receiver, where a followed redirect would show up.</summary>
    public WebhookReceiver Redirect()
    {
        _script.Enqueue(context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = _path + "/moved";
            return Task.CompletedTask;
        });
        return this;
    }

    public IReadOnlyList<Received> Requests
    {
        get { lock (_received) return _received.ToList(); }
    }

    /// <summary>Waits until at least <paramref name="count"/> posts have arrived (failing after 30 s if they never do).</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count)
    {
        Task done;
        lock (_received)
        {
            if (_received.Count >= count) return _received.ToList();
            var waiter = (count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiters.Add(waiter);
            done = waiter.Item2.Task;
        }
        await done.WaitAsync(TimeSpan.FromSeconds(30));
        return Requests;
    }

    async Task HandleAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(_path))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers;
        var received = new Received(context.Request.Path, headers["webhook-id"].FirstOrDefault(), headers["webhook-timestamp"].FirstOrDefault(),
            headers["webhook-signature"].FirstOrDefault(), context.Request.ContentType, body, _stopwatch.Elapsed);
        lock (_received)
        {
            _received.Add(received);
            foreach (var waiter in _waiters.Where(w => _received.Count >= w.Count).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        if (_script.TryDequeue(out var behaviour))
            await behaviour(context);
        else
            await context.Response.WriteAsync("ok");
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _server.StopAsync();
        await _server.DisposeAsync();
        _stopping.Dispose();
    }
}
