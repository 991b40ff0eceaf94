using Inbox.Features.Webhooks;

namespace Inbox.Tests.Features.Webhooks;

/// <summary>The pure rules under the webhook feature: address classes, URL form, signatures, retry timing.</summary>
public sealed class NetworkRulesTests
{
    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(PublicNetwork.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.100.100.200")]
    [InlineData("192.0.0.192")]
    [InlineData("168.63.129.16")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::127.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("ff02::1")]
    [InlineData("2001:db8::1")]
    [InlineData("2001::1")]
    public void Loopback_private_link_local_metadata_and_multicast_addresses_are_not(string address) =>
        Assert.False(PublicNetwork.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("192.168.1.10", "private")]
    [InlineData("fd00::2", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("100.64.0.1", "shared (carrier-grade NAT)")]
    [InlineData("224.0.0.251", "multicast")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("192.0.2.2", "reserved")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("8.8.8.8", null)]
    public void A_refusal_names_the_kind_of_address_in_general_terms(string address, string? kind) =>
        Assert.Equal(kind, PublicNetwork.Kind(IPAddress.Parse(address)));

    [Theory]
    [InlineData("Connection refused (10.1.2.3:443)", "https://hooks.example.com/x", "Connection refused ((address))")]
    [InlineData("No route to host [fd00::2]:443.", "https://hooks.example.com/x", "No route to host (address).")]
    [InlineData("vm resolves to 127.0.0.1, 192.0.2.2, fd00::2", "https://vm/x", "vm resolves to (address), (address), (address)")]
    [InlineData("Connection refused (10.1.2.3:443)", "https://10.1.2.3/x", "Connection refused (10.1.2.3:443)")]
    [InlineData("timed out at 12:30 after 1.5 s", "https://hooks.example.com/x", "timed out at 12:30 after 1.5 s")]
    public void Addresses_other_than_the_urls_own_are_blanked_out_of_error_texts(string text, string url, string expected) =>
        Assert.Equal(expected, PublicNetwork.RedactAddresses(text, url));

    [Fact]
    public void Https_is_required_where_the_caller_says_so()
    {
        Assert.NotNull(WebhookUrl.FormProblem("http://hooks.example.com/inbox", requireHttps: true));
        Assert.Null(WebhookUrl.FormProblem("https://hooks.example.com/inbox", requireHttps: true));
        Assert.Null(WebhookUrl.FormProblem("http://hooks.example.com/inbox", requireHttps: false));
    }

    /// <summary>The test vector published with the Standard Webhooks reference libraries.</summary>
    [Fact]
    public void The_signature_reproduces_the_standard_webhooks_test_vector()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        const string id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        const string body = """{"test": 2432232314}""";

        var signature = WebhookSignature.Sign(secret, id, 1614265330, body);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
        Assert.True(StandardWebhooks.Verify(secret, id, "1614265330", signature, body, Instant.FromUnixTimeSeconds(1614265330)));
        Assert.False(StandardWebhooks.Verify(secret, id, "1614265330", signature, body + " ", Instant.FromUnixTimeSeconds(1614265330)));
    }

    [Fact]
    public void Retries_come_after_30_s_2_min_10_min_and_1_h_with_at_most_20_percent_jitter()
    {
        var now = Instant.FromUtc(2026, 11, 24, 5, 0);
        var expected = new[] { 30.0, 120, 600, 3600 };
        for (var attempt = 1; attempt <= 4; attempt++)
            for (var i = 0; i < 200; i++)
            {
                var delay = (Deliveries.NextAttemptAt(now, attempt) - now).TotalSeconds;
                Assert.InRange(delay, expected[attempt - 1] * 0.8, expected[attempt - 1] * 1.2);
            }
        Assert.Equal(5, Deliveries.MaxAttempts);
    }
}
