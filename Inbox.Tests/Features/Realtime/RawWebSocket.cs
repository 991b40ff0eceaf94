using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Inbox.Tests.Features.Realtime;

/// <summary>
/// A WebSocket client by hand over a <see cref="TcpClient"/>, for what no WebSocket client does: writing frames that
/// break the protocol, or never reading again.
/// </summary>
static class RawWebSocket
{
    /// <summary>The HTTP/1.1 upgrade by hand; answers once the server's 101 has been read, nothing after it.</summary>
    public static async Task UpgradeAsync(NetworkStream stream, string accessToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /ws?access_token={Uri.EscapeDataString(accessToken)} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n" +
                      $"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var head = new StringBuilder();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, await stream.ReadAsync(one, timeout.Token));
            head.Append((char)one[0]);
        }
        Assert.StartsWith("HTTP/1.1 101", head.ToString());
    }

    /// <summary>Reads server frames (unmasked) until a close frame, answering its status code; -1 when the connection ends without one.</summary>
    public static async Task<int> ReadCloseCodeAsync(NetworkStream stream, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        while (true)
        {
            var header = new byte[2];
            if (!await ReadExactlyAsync(stream, header, timeout.Token)) return -1;
            var opcode = header[0] & 0x0F;
            long length = header[1] & 0x7F;
            if (length == 126)
            {
                var extended = new byte[2];
                if (!await ReadExactlyAsync(stream, extended, timeout.Token)) return -1;
                length = (extended[0] << 8) | extended[1];
            }
            else if (length == 127)
            {
                var extended = new byte[8];
                if (!await ReadExactlyAsync(stream, extended, timeout.Token)) return -1;
                length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(extended);
            }
            var payload = new byte[length];
            if (!await ReadExactlyAsync(stream, payload, timeout.Token)) return -1;
            if (opcode == 0x8) return payload.Length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
        }
    }

    static async Task<bool> ReadExactlyAsync(NetworkStream stream, byte[] buffer, CancellationToken ct)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, ct);
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return false;
        }
    }
}
