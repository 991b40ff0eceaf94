using Inbox.Tests.Features.Realtime;

namespace Inbox.Tests.Features.Tickets;

/// <summary>
/// <c>ticket.updated</c> (API.md v2): every connection of the account hears of a ticket opened, edited or moved,
/// with the ticket as GET answers it (nextStatuses included); no connection of another account ever does.
/// </summary>
public sealed class LiveTests(RealtimeApp app) : IClassFixture<RealtimeApp>
{
    static Func<JsonObject, bool> About(Guid ticketId) => f => f["ticket"]?["id"]?.GetValue<Guid>() == ticketId;

    [Fact]
    public async Task Opening_editing_and_moving_a_ticket_reach_every_connection_of_the_account()
    {
        var admin = await app.SignUpAsync();
        var agent = await app.AddUserAsync(admin, name: "Yanis Durand");
        var client = app.ClientFor(admin);
        await using var adminSocket = await TestSocket.ConnectAsync(app, admin);
        await using var agentSocket = await TestSocket.ConnectAsync(app, agent);

        var id = await TicketApi.OpenIdAsync(client, "Compresseur : bruit anormal");
        var opened = await agentSocket.WaitForAsync("ticket.updated", About(id));
        Snap.MatchJson(opened.ToJsonString(), "opened");
        Assert.Equal(opened.ToJsonString(), (await adminSocket.WaitForAsync("ticket.updated", About(id))).ToJsonString());

        await client.PatchAsJsonAsync($"/api/tickets/{id}", new { priority = "critical", assigneeId = agent.Id });
        var edited = await agentSocket.WaitForAsync("ticket.updated", About(id));
        Assert.Equal("critical", edited["ticket"]!["priority"]!.GetValue<string>());
        Assert.Equal(agent.Id, edited["ticket"]!["assigneeId"]!.GetValue<Guid>());

        await TicketApi.WalkAsync(app.ClientFor(agent), id, "diagnostic");
        // The admin's socket also had the edit; the move is the frame that says diagnostic.
        var moved = await adminSocket.WaitForAsync("ticket.updated", f => About(id)(f) && f["ticket"]!["status"]!.GetValue<string>() == "diagnostic");
        Snap.MatchJson(moved.ToJsonString(), "moved");
        // The frame carries the ticket exactly as GET answers it, so a page can replace its copy with it.
        var got = await TicketApi.GetAsync(client, id);
        Assert.Equal(got["updatedAt"]!.GetValue<string>(), moved["ticket"]!["updatedAt"]!.GetValue<string>());
        Assert.Equal(got["nextStatuses"]!.ToJsonString(), moved["ticket"]!["nextStatuses"]!.ToJsonString());
    }

    [Fact]
    public async Task Another_accounts_connections_never_hear_of_the_ticket()
    {
        var owner = app.ClientFor(await app.SignUpAsync());
        var outsider = await app.SignUpAsync();
        await using var outsiderSocket = await TestSocket.ConnectAsync(app, outsider);

        var theirs = await TicketApi.OpenIdAsync(owner, "Presse : fuite d'huile");
        await TicketApi.WalkAsync(owner, theirs, "diagnostic");
        // Frames reach a connection in the order they were published: the outsider's own ticket, opened after
        // the owner's changes, is the first ticket.updated it may receive.
        var own = await TicketApi.OpenIdAsync(app.ClientFor(outsider), "Mon propre ticket");

        var first = await outsiderSocket.WaitForAsync("ticket.updated");
        Assert.Equal(own, first["ticket"]!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_refused_move_or_an_empty_edit_sends_nothing()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        await using var socket = await TestSocket.ConnectAsync(app, admin);
        // The opening's own frame first: it is published after the answer, so a socket connected right after the
        // POST may or may not get it; connected before, it surely does, and nothing after it is left to chance.
        var id = await TicketApi.OpenIdAsync(client);
        var opened = await socket.WaitForAsync("ticket.updated");
        Assert.Equal(id, opened["ticket"]!["id"]!.GetValue<Guid>());

        Assert.Equal(HttpStatusCode.Conflict, (await TicketApi.ChangeStatusAsync(client, id, "waiting_parts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(TicketApi.Patch(id, "{}"))).StatusCode);
        await TicketApi.WalkAsync(client, id, "diagnostic");

        // The first ticket.updated after the refused move and the empty edit is the real move.
        var first = await socket.WaitForAsync("ticket.updated");
        Assert.Equal("diagnostic", first["ticket"]!["status"]!.GetValue<string>());
    }
}
