using System.Text;
using Inbox.Infrastructure.Http;
using Inbox.Infrastructure.Json;

namespace Inbox.Tests.Features.Malformed;

/// <summary>The problem bodies hostile input gets, pinned: each names the field and says what is wrong in the contract's words.</summary>
public sealed class ProblemShapeTests(InboxApp app) : IClassFixture<InboxApp>
{
    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Text_that_is_not_text_is_a_400_naming_the_field()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        await Snap.MatchAsync(await client.PostAsync("/api/tickets", Json("""{"title":"a\u0000b"}""")), "json-nul");
        await Snap.MatchAsync(await client.PostAsync("/api/tickets", Json("""{"title":"\ud800"}""")), "json-lone-surrogate");
        await Snap.MatchAsync(await client.PostAsync("/api/tickets", Json("""{"title":"x","title":"y"}""")), "json-duplicate-key");
        await Snap.MatchAsync(await client.PostAsync("/api/tickets", Json("null")), "json-null-body");
        await Snap.MatchAsync(await client.GetAsync("/api/search/messages?q=a%00b"), "query-nul");
        await Snap.MatchAsync(await client.GetAsync("/api/search/messages?q=%ED%A0%80"), "query-lone-surrogate");
    }

    [Fact]
    public async Task Cursors_and_dates_out_of_range_are_400s_naming_the_field()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var cursor = Cases.Cursor($"{long.MaxValue}|{Guid.NewGuid():N}");

        await Snap.MatchAsync(await client.GetAsync($"/api/tickets?cursor={cursor}"), "cursor");
        await Snap.MatchAsync(await client.GetAsync("/api/search/messages?q=hello&from=9999-12-31T23:59:59-18:00"), "search-from");
        await Snap.MatchAsync(await client.PostAsync("/api/tickets", Json("""{"title":"x","scheduledAt":"-9999-01-01T00:00:00Z"}""")), "scheduled-at");
    }

    [Fact]
    public async Task A_null_email_at_sign_up_is_a_400_naming_email()
    {
        var response = await app.Client().PostAsync("/api/accounts",
            Json("""{"accountName":"Acme","name":"Ada","email":null,"password":"correct horse battery"}"""));

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "email");
    }
}

/// <summary>The rules behind the sweep, at the unit level.</summary>
public sealed class InputRulesTests
{
    // A Fact, not InlineData: xunit's test-case serialization would turn the lone surrogates into U+FFFD.
    [Fact]
    public void Text_rules_refuse_NUL_and_lone_surrogates()
    {
        foreach (var text in new[] { "plain", "émoji 😀", "" })
            Assert.Null(TextRules.Problem(text));
        foreach (var text in new[] { "a\0b", "\ud800", "x\udc00", "\udc00\ud800", "😀\ud83d" })
            Assert.NotNull(TextRules.Problem(text));
    }

    [Fact]
    public void A_cursor_out_of_range_decodes_to_nothing_instead_of_throwing()
    {
        var id = Guid.NewGuid().ToString("N");
        foreach (var key in new[] { long.MaxValue.ToString(), long.MinValue.ToString(), "-700000000000000000", "1e400", "NaN", "-1.5" })
            Assert.Null(KeysetCursor.DecodeInstant(Cases.Cursor($"{key}|{id}")));
        // A huge rank is still a finite, non-negative number; these are not.
        foreach (var key in new[] { long.MinValue.ToString(), "1e400", "NaN", "Infinity", "-1.5" })
            Assert.Null(KeysetCursor.DecodeRank(Cases.Cursor($"{key}|{id}")));
        Assert.Null(KeysetCursor.DecodeInstant(Cases.Cursor($"0.5|{id}")));
        Assert.NotNull(KeysetCursor.DecodeLong(Cases.Cursor($"-42|{id}")));
    }

    [Theory]
    [InlineData("2026-11-24T05:17:50.123Z", true)]
    [InlineData("0001-01-01T00:00:00Z", true)]
    [InlineData("9999-12-31T23:59:59.999999Z", true)]
    [InlineData("0000-12-31T23:59:59Z", false)]
    [InlineData("-9998-01-01T00:00:00Z", false)]
    [InlineData("9999-12-31T23:59:59-18:00", false)]
    [InlineData("0001-01-01T00:00:00+01:00", false)]
    [InlineData("2026-06-01T00:00:00+02:00", true)]
    [InlineData("-9998-01-01T00:00:00-18:00", false)]
    public void Instants_from_input_stay_inside_years_1_to_9999(string text, bool accepted) =>
        Assert.Equal(accepted, InstantJsonConverter.Parse(text) is not null);
}
