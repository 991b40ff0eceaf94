using Inbox.Features.Realtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Inbox.Tests.Features.Realtime;

public sealed class OptionsTests
{
    static RealtimeOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        using var services = new ServiceCollection().AddRealtime(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<RealtimeOptions>>().Value;
    }

    [Fact]
    public void The_limits_default_to_the_contracts_values_and_bind_from_their_contract_names()
    {
        var defaults = Bind();
        var set = Bind(("Realtime:FramesPerSecond", "50"), ("Realtime:TypingRelayInterval", "00:00:02.500"));

        Assert.Equal(20, defaults.FramesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(1), defaults.TypingRelayInterval);
        Assert.Equal(50, set.FramesPerSecond);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), set.TypingRelayInterval);
    }

    [Theory]
    [InlineData("Realtime:FramesPerSecond", "0")]
    [InlineData("Realtime:FramesPerSecond", "-5")]
    [InlineData("Realtime:FramesPerSecond", "1000000000")]
    [InlineData("Realtime:TypingRelayInterval", "-00:00:01")]
    [InlineData("Realtime:TypingRelayInterval", "02:00:00")]
    [InlineData("Realtime:SendQueueCapacity", "0")]
    [InlineData("Realtime:HeartbeatSeconds", "0")]
    public void An_out_of_range_limit_is_refused_with_its_name(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind((key, value)));

        Assert.Contains(key, error.Message);
    }
}
