using System.Net;
using System.Net.Sockets;

namespace Inbox.Features.Webhooks;

/// <summary>
/// The save-time check of an endpoint URL. It is a courtesy (the admin hears at once that a URL cannot work);
/// the protection is the connect-time check of <see cref="PublicNetwork.ConnectCallback"/>, since what a name
/// resolves to can change after it is saved.
/// </summary>
public static class WebhookUrl
{
    public const int MaxLength = 2000;
    static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>What is wrong with <paramref name="url"/>, or null when it may be saved.</summary>
    public static async Task<string?> ProblemAsync(string url, bool requireHttps, bool allowPrivateNetworks, CancellationToken ct)
    {
        if (FormProblem(url, requireHttps) is { } problem) return problem;
        if (allowPrivateNetworks) return null;

        var uri = new Uri(url);
        // System.Uri has already turned numeric forms (0x7f.1, 2130706433, 017700000001, 127.1) into dotted quads
        // and IPv6 into its canonical text, so a literal is checked as the address it really is.
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            // Not even the canonical form is echoed: the admin typed the address, in whatever notation, and the
            // kind of address is what they need to hear.
            var kind = PublicNetwork.Kind(IPAddress.Parse(uri.IdnHost));
            return kind is null ? null : NotPublic($"the address is {kind}");
        }

        var host = uri.IdnHost.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return NotPublic($"'{host}' is loopback");

        IPAddress[] addresses;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ResolveTimeout);
            addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return $"The host '{host}' does not resolve.";
        }
        if (addresses.Length == 0) return $"The host '{host}' does not resolve.";
        // Every address must be public (a name may resolve to several, any of which may be connected to). Which
        // addresses an internal name resolves to is exactly what an SSRF probe is after: the kinds only, never them.
        return addresses.All(PublicNetwork.IsPublic) ? null : NotPublic($"'{host}' resolves to non-public addresses ({PublicNetwork.Kinds(addresses)})");
    }

    /// <summary>The checks that need no network: an absolute http(s) URL (https only when required), without credentials.</summary>
    public static string? FormProblem(string url, bool requireHttps)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "Must be an absolute http or https URL.";
        if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
            return "Must be an https URL.";
        if (uri.UserInfo.Length > 0)
            return "Must not contain a user name or password.";
        if (uri.HostNameType == UriHostNameType.Dns && LooksNumeric(uri.IdnHost))
            return "The host is not a valid IP address or host name.";
        return null;
    }

    /// <summary>
    /// A name whose last label is a number (999.1.1.1, 1.2.3.4.5) is neither a valid address nor a real DNS name;
    /// some resolvers would still read it as an address, so it is refused outright.
    /// </summary>
    static bool LooksNumeric(string host)
    {
        var last = host.TrimEnd('.').Split('.')[^1];
        return last.Length > 0 && (last.All(char.IsAsciiDigit) ||
                                   (last.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && last[2..].All(char.IsAsciiHexDigit)));
    }

    /// <summary>The refusal, in general terms: names the kind of address, never an address.</summary>
    static string NotPublic(string why) =>
        $"Must not point at a loopback, private, link-local or metadata address: {why}.";
}
