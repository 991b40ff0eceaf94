namespace Inbox.Tests.Infrastructure;

/// <summary>A request a test aims at a resource of account A: which route, and which id in it is A's.</summary>
public sealed record Probe(HttpMethod Method, string Path, Guid ResourceId, object? Body = null);

/// <summary>
/// The reusable tenant-isolation check. For a route, it creates data in account A (through <c>arrange</c>),
/// then calls the route as the admin of a second account B and asserts: 404, a problem body, the same answer
/// as for an id that never existed (so nothing tells "exists elsewhere" from "does not exist"), and no trace of
/// A's id in the answer. An admin is used for B so that a role refusal (403) cannot hide a leak.
/// </summary>
public static class TenantIsolation
{
    public static async Task AssertInvisibleToOtherAccountsAsync(InboxApp app, Func<TestUser, Task<Probe>> arrange)
    {
        var owner = await app.SignUpAsync();
        var probe = await arrange(owner);
        var outsider = app.ClientFor(await app.SignUpAsync());

        var foreign = await SendAsync(outsider, probe.Method, probe.Path, probe.Body);
        var foreignBody = await foreign.Content.ReadAsStringAsync();
        var missingId = Guid.CreateVersion7();
        var missing = await SendAsync(outsider, probe.Method, probe.Path.Replace(probe.ResourceId.ToString(), missingId.ToString()), probe.Body);
        var missingBody = await missing.Content.ReadAsStringAsync();

        Assert.True(foreign.StatusCode == HttpStatusCode.NotFound,
            $"{probe.Method} {probe.Path} as another account answered {(int)foreign.StatusCode}, not 404: {foreignBody}");
        Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(probe.ResourceId.ToString(), foreignBody, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(missing.StatusCode, foreign.StatusCode);
        Assert.Equal(missingBody.Replace(missingId.ToString(), "{id}"), foreignBody.Replace(probe.ResourceId.ToString(), "{id}"));

        // And the owner still sees it: the 404 above is isolation, not a broken route.
        var own = await SendAsync(app.ClientFor(owner), probe.Method, probe.Path, probe.Body);
        Assert.True(own.StatusCode != HttpStatusCode.NotFound, $"{probe.Method} {probe.Path} answered 404 to its own account too");
    }

    /// <summary>For list and search routes: B's answer never contains A's resource id.</summary>
    public static async Task AssertNotListedToOtherAccountsAsync(InboxApp app, Func<TestUser, Task<(string Path, Guid ResourceId)>> arrange)
    {
        var owner = await app.SignUpAsync();
        var (path, id) = await arrange(owner);

        var own = await app.ClientFor(owner).GetStringAsync(path);
        Assert.Contains(id.ToString(), own, StringComparison.OrdinalIgnoreCase);

        var outsider = await app.ClientFor(await app.SignUpAsync()).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, outsider.StatusCode);
        Assert.DoesNotContain(id.ToString(), await outsider.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        return client.SendAsync(request);
    }
}
