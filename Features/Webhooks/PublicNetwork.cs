using System.Net;
using System.Net.Sockets;

namespace Inbox.Features.Webhooks;

/// <summary>
/// SSRF protection for webhook posts: which addresses count as the public internet, and a
/// <see cref="SocketsHttpHandler.ConnectCallback"/> that resolves the host itself, checks every address and
/// connects only to a checked one. Checking the address actually connected to (not only the URL when it was
/// saved) is what defeats DNS rebinding: a name that resolved to a public address at save time and to
/// 127.0.0.1 at send time is refused at send time.
/// </summary>
public static class PublicNetwork
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

/// <summary>Thrown by the connect callback when a host resolves only to addresses that are not public.</summary>
public sealed class BlockedAddressException(string host, IReadOnlyList<IPAddress> addresses)
    : Exception(addresses.Count == 0
        ? $"{host} does not resolve to any address"
        : $"{host} resolves to {string.Join(", ", addresses)}, which is not a public address");
