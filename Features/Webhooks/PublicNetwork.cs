using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Inbox.Features.Webhooks;

/// <summary>
/// SSRF protection for webhook posts: which addresses count as the public internet, and a
/// <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves the host itself, checks every address and
/// connects only to a checked one. Checking the address actually connected to (not only the URL when it was
/// saved) is what defeats DNS rebinding: a name that resolved to a public address at save time and to
/// 127.0.0.1 at send time is refused at send time.
/// </summary>
public static partial class PublicNetwork
{
    static readonly (byte[] Prefix, int Bits)[] BlockedV4 = Parse(
        "0.0.0.0/8",          // "this network"; 0.0.0.0 reaches the local host on Linux
        "10.0.0.0/8",         // private
        "100.64.0.0/10",      // carrier-grade NAT (also Alibaba's metadata 100.100.100.200)
        "127.0.0.0/8",        // loopback
        "169.254.0.0/16",     // link-local, with the cloud metadata service 169.254.169.254
        "172.16.0.0/12",      // private
        "192.0.0.0/24",       // IETF protocol assignments (Oracle's metadata 192.0.0.192)
        "192.0.2.0/24",       // documentation
        "192.88.99.0/24",     // 6to4 relay anycast
        "192.168.0.0/16",     // private
        "198.18.0.0/15",      // benchmarking
        "198.51.100.0/24",    // documentation
        "203.0.113.0/24",     // documentation
        "224.0.0.0/4",        // multicast
        "240.0.0.0/4",        // reserved, and the broadcast address
        "168.63.129.16/32");  // Azure's platform endpoint (metadata, DNS, health)

    static readonly (byte[] Prefix, int Bits)[] BlockedV6 = Parse(
        "::/96",              // unspecified, loopback and the deprecated IPv4-compatible addresses
        "64:ff9b:1::/48",     // local-use NAT64
        "100::/64",           // discard
        "2001::/23",          // IETF protocol assignments, Teredo included
        "2001:db8::/32",      // documentation
        "3fff::/20",          // documentation
        "5f00::/16",          // segment routing
        "fc00::/7",           // unique local (AWS's IPv6 metadata fd00:ec2::254 is in here)
        "fe80::/10",          // link-local
        "fec0::/10",          // site-local (deprecated)
        "ff00::/8");          // multicast

    /// <summary>True for an address on the public internet; false for loopback, private, link-local, CGNAT, multicast, metadata and reserved ranges.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsPublic(address.MapToIPv4());
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork) return !InAny(bytes, BlockedV4);
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;

        // Translation prefixes carry an IPv4 address: NAT64 (64:ff9b::/96) in the last 4 bytes, 6to4 (2002::/16)
        // in bytes 2..5. They are as public as the address they carry.
        if (bytes is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..])
            return IsPublic(new IPAddress(bytes[12..]));
        if (bytes is [0x20, 0x02, ..])
            return IsPublic(new IPAddress(bytes[2..6]));
        return !InAny(bytes, BlockedV6);
    }

    /// <summary>
    /// What kind of address a non-public one is, in the general terms a refusal may tell a tenant admin (never the
    /// address itself): loopback, private, link-local, shared (carrier-grade NAT), multicast, unspecified or reserved.
    /// Null for a public address.
    /// </summary>
    public static string? Kind(IPAddress address)
    {
        if (IsPublic(address)) return null;
        if (address.IsIPv4MappedToIPv6) return Kind(address.MapToIPv4());
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return bytes switch
            {
                [127, ..] => "loopback",
                [0, ..] => "unspecified",
                [10, ..] or [172, >= 16 and < 32, ..] or [192, 168, ..] => "private",
                [169, 254, ..] => "link-local",
                [100, >= 64 and < 128, ..] => "shared (carrier-grade NAT)",
                [>= 224 and < 240, ..] => "multicast",
                _ => "reserved",
            };
        if (bytes is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..])
            return Kind(new IPAddress(bytes[12..]));
        if (bytes is [0x20, 0x02, ..])
            return Kind(new IPAddress(bytes[2..6]));
        if (address.Equals(IPAddress.IPv6Loopback)) return "loopback";
        if (address.Equals(IPAddress.IPv6Any)) return "unspecified";
        return bytes switch
        {
            [>= 0xfc and <= 0xfd, ..] => "private",
            [0xfe, >= 0x80 and < 0xc0, ..] => "link-local",
            [0xfe, >= 0xc0, ..] => "private",
            [0xff, ..] => "multicast",
            _ => "reserved",
        };
    }

    /// <summary>The kinds of the non-public addresses among <paramref name="addresses"/>, e.g. "loopback, private".</summary>
    public static string Kinds(IEnumerable<IPAddress> addresses) =>
        string.Join(", ", addresses.Select(Kind).OfType<string>().Distinct());

    /// <summary>
    /// <paramref name="text"/> with every IP address in it (v4 or v6, with or without a port) replaced by
    /// "(address)", except the host of <paramref name="url"/> itself when that is an address literal (the admin typed
    /// it). Framework messages may name the address a connection went to; what a name resolves to is not the
    /// tenant's to know.
    /// </summary>
    public static string RedactAddresses(string text, string url)
    {
        var typed = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            ? IPAddress.Parse(uri.IdnHost)
            : null;
        var parts = AddressCandidate().Split(text);
        var changed = false;
        for (var i = 0; i < parts.Length; i++)
        {
            // A sentence may end right after an address.
            var part = parts[i].Trim('.');
            // Only what reads as an address: dotted quads, or a v6 form with two colons or more ("12:30" is a time).
            var looksLikeOne = part.Count(c => c == '.') == 3 || part.Count(c => c == ':') >= 2;
            if (!looksLikeOne || !IPEndPoint.TryParse(part, out var endpoint) && !IPEndPoint.TryParse(part.Trim('[', ']'), out endpoint)) continue;
            if (typed is not null && endpoint.Address.Equals(typed)) continue;
            parts[i] = parts[i].Replace(part, "(address)");
            changed = true;
        }
        return changed ? string.Concat(parts) : text;
    }

    /// <summary>Splits text into runs that could hold an address (hex digits, dots, colons, brackets, %zone) and the rest, keeping both.</summary>
    [GeneratedRegex(@"([0-9A-Za-z.:\[\]%]+)")]
    private static partial Regex AddressCandidate();

    /// <summary>
    /// Resolves the host, keeps the addresses allowed (all of them when private networks are allowed), and
    /// connects to the first that answers. The host is never handed to a second resolver, so the address checked
    /// is the address connected to.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(bool allowPrivateNetworks) =>
        async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            var allowed = allowPrivateNetworks ? addresses : addresses.Where(IsPublic).ToArray();
            if (allowed.Length == 0)
                throw new BlockedAddressException(host, addresses);

            SocketException? last = null;
            foreach (var address in allowed)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    last = e;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            throw last!;
        };

    static bool InAny(byte[] address, (byte[] Prefix, int Bits)[] ranges) =>
        ranges.Any(range => InRange(address, range.Prefix, range.Bits));

    static bool InRange(byte[] address, byte[] prefix, int bits)
    {
        if (address.Length != prefix.Length) return false;
        var whole = bits / 8;
        for (var i = 0; i < whole; i++)
            if (address[i] != prefix[i]) return false;
        var rest = bits % 8;
        if (rest == 0) return true;
        var mask = (byte)(0xff << (8 - rest));
        return (address[whole] & mask) == (prefix[whole] & mask);
    }

    static (byte[], int)[] Parse(params string[] cidrs) =>
        cidrs.Select(cidr =>
        {
            var slash = cidr.IndexOf('/');
            return (IPAddress.Parse(cidr[..slash]).GetAddressBytes(), int.Parse(cidr[(slash + 1)..]));
        }).ToArray();
}

/// <summary>
/// Thrown by the connect callback when a host resolves only to addresses that are not public. Its message ends up
/// in the delivery log and the test route's answer, which tenant admins read, so it says what kind of addresses they
/// were and never which: an SSRF refusal must not turn into a way to map internal names.
/// </summary>
public sealed class BlockedAddressException(string host, IReadOnlyList<IPAddress> addresses)
    : Exception(addresses.Count == 0
        ? $"{host} does not resolve to any address"
        : $"{host} resolves only to non-public addresses ({PublicNetwork.Kinds(addresses)})");
