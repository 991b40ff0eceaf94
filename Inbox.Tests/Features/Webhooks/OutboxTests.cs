using Inbox.Features.Webhooks;
using Inbox.Infrastructure.Database;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.Extensions.DependencyInjection;

namespace Inbox.Tests.Features.Webhooks;

/// <summary>How a feature raises an event: the engine's outbox, then the engine posts it.</summary>
public sealed class OutboxTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task An_event_is_queued_once_per_subscribed_live_endpoint_and_once_per_dedup_key()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (first, secret) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var (second, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        var (deleted, _) = await WebhookApi.CreateEndpointAsync(client, receiver.Url);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/webhooks/endpoints/{deleted}")).StatusCode);
        var other = await app.SignUpAsync();
        await WebhookApi.CreateEndpointAsync(app.ClientFor(other), receiver.Url);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InboxDb>();
        var now = app.Clock.GetCurrentInstant();
        var evt = new WebhookEvent(admin.AccountId, WebhookEvents.TicketOverdue, """{"type":"ticket.overdue"}""", "outbox-test/1");
        await using (var tx = await db.BeginTransactionAsync())
        {
            Assert.Equal(2, await WebhookOutbox.EnqueueAsync(db, evt, now, CancellationToken.None));
            // The same occurrence raised again (a retried caller) queues nothing more.
            Assert.Equal(0, await WebhookOutbox.EnqueueAsync(db, evt, now, CancellationToken.None));
            await tx.CommitAsync();
        }

        var rows = await db.WebhookDeliveries.Where(d => d.AccountId == admin.AccountId).ToListAsync();
        Assert.Equal(new[] { first, second }.Order(), rows.Select(r => r.EndpointId).Order());
        Assert.All(rows, r => Assert.StartsWith("msg_", r.EventId));
        Assert.Equal(2, rows.Select(r => r.EventId).Distinct().Count());

        var run = await app.Sweep.RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, run.Notified);
        Assert.Equal(2, receiver.Requests.Count);
        StandardWebhooks.AssertSigned(receiver.Requests.Single(p => p.Id == rows.Single(r => r.EndpointId == first).EventId), secret, now);
    }
}
