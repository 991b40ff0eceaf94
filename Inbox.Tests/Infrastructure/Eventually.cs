namespace Inbox.Tests.Infrastructure;

/// <summary>
/// For effects a background service produces after a request has been answered: polls a condition until it
/// holds, failing after 30 s. Not a sleep-then-assert: it returns as soon as the condition is true.
/// </summary>
public static class Eventually
{
    public static async Task<T> SingleAsync<T>(Func<Task<List<T>>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var found = await probe();
            if (found.Count == 1) return found[0];
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"expected exactly one match, found {found.Count} after 30 s");
            await Task.Delay(20);
        }
    }
}
