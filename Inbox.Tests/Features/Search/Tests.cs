using Inbox.Tests.Features.Conversations;

namespace Inbox.Tests.Features.Search;

public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    /// <summary>An account with one conversation holding the given message bodies; answers the admin and the conversation.</summary>
    async Task<(TestUser Admin, Guid Conversation, List<Guid> Messages)> AccountWithAsync(params string[] bodies)
    {
        var admin = await app.SignUpAsync(name: "Nadia Lambert");
        var client = app.ClientFor(admin);
        var conversation = await client.StartConversationIdAsync();
        var ids = new List<Guid>();
        foreach (var body in bodies) ids.Add(await client.PostMessageIdAsync(conversation, body));
        return (admin, conversation, ids);
    }

    async Task<JsonObject> SearchAsync(TestUser user, string query) =>
        await app.ClientFor(user).GetJsonAsync($"/api/search/messages?q={Uri.EscapeDataString(query)}");

    static List<string> Bodies(JsonObject page) => page["items"]!.AsArray().Select(i => i!["message"]!["body"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task A_search_answers_a_page_of_hits_with_rank_and_highlight()
    {
        var (admin, _, _) = await AccountWithAsync("La facture d'électricité est arrivée.", "Rien à voir.");

        await Snap.MatchAsync(await app.ClientFor(admin).GetAsync("/api/search/messages?q=facture"), scrubFields: "rank");
    }

    [Theory]
    [InlineData("electricite", "Coupure d'Électricité au 2e étage")]
    [InlineData("ELECTRICITÉ", "Coupure d'Électricité au 2e étage")]
    [InlineData("cafe", "Un café pour le technicien ?")]
    [InlineData("Cafe", "Un café pour le technicien ?")]
    public async Task Search_ignores_case_and_accents(string query, string expected)
    {
        var (admin, _, _) = await AccountWithAsync("Coupure d'Électricité au 2e étage", "Un café pour le technicien ?", "Autre chose");

        Assert.Equal([expected], Bodies(await SearchAsync(admin, query)));
    }

    [Fact]
    public async Task Words_are_matched_as_they_are_without_stemming_in_either_language()
    {
        var (admin, _, _) = await AccountWithAsync("Une facture", "Deux factures", "One invoice", "Two invoices");

        Assert.Equal(["Une facture"], Bodies(await SearchAsync(admin, "facture")));
        Assert.Equal(["Two invoices"], Bodies(await SearchAsync(admin, "invoices")));
    }

    [Fact]
    public async Task Phrases_exclusions_and_or_follow_web_search_syntax()
    {
        var (admin, _, _) = await AccountWithAsync(
            "pompe à chaleur en panne", "la chaleur de la pompe", "pompe neuve livrée", "chaudière en panne");

        Assert.Equal(["pompe à chaleur en panne"], Bodies(await SearchAsync(admin, "\"pompe à chaleur\"")));
        Assert.Equal(["pompe neuve livrée"], Bodies(await SearchAsync(admin, "pompe -chaleur")));
        Assert.Equal(["chaudière en panne", "pompe neuve livrée"], Bodies(await SearchAsync(admin, "neuve or chaudière")).Order());
    }

    [Fact]
    public async Task The_highlight_escapes_everything_but_the_marks()
    {
        var (admin, _, _) = await AccountWithAsync("<script>alert(1)</script> facture & \"devis\" \u0001sneaky\u0002");

        var highlight = (await SearchAsync(admin, "facture"))["items"]![0]!["highlight"]!.GetValue<string>();

        Assert.Equal("&lt;script&gt;alert(1)&lt;/script&gt; <mark>facture</mark> &amp; &quot;devis&quot; sneaky", highlight);
    }

    [Fact]
    public async Task Better_matches_come_first()
    {
        var (admin, _, _) = await AccountWithAsync(
            "le compresseur", "compresseur bruyant, compresseur chaud, changer le compresseur", "compresseur et ventilateur");

        var bodies = Bodies(await SearchAsync(admin, "compresseur"));
        var ranks = (await SearchAsync(admin, "compresseur"))["items"]!.AsArray().Select(i => i!["rank"]!.GetValue<double>()).ToList();

        Assert.Equal("compresseur bruyant, compresseur chaud, changer le compresseur", bodies[0]);
        Assert.Equal(ranks.OrderDescending(), ranks);
    }

    [Fact]
    public async Task Pages_walk_every_hit_once_even_when_ranks_are_equal()
    {
        var bodies = Enumerable.Range(1, 23).Select(i => $"ticket numéro {i} : remplacement du filtre").ToArray();
        var (admin, _, _) = await AccountWithAsync(bodies);
        var client = app.ClientFor(admin);

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetJsonAsync($"/api/search/messages?q=filtre&limit=5{(cursor is null ? "" : $"&cursor={cursor}")}");
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["message"]!["id"]!.GetValue<Guid>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        } while (cursor is not null);

        Assert.Equal(23, seen.Count);
        Assert.Equal(23, seen.Distinct().Count());
        Assert.Equal(5, pages);
    }

    [Fact]
    public async Task Filters_narrow_to_a_conversation_and_a_time_range()
    {
        var (admin, first, _) = await AccountWithAsync("vanne à remplacer");
        var client = app.ClientFor(admin);
        var second = await client.StartConversationIdAsync();
        await client.PostMessageAsync(second, "vanne livrée");

        var inSecond = await client.GetJsonAsync($"/api/search/messages?q=vanne&conversationId={second}");
        var future = await client.GetJsonAsync($"/api/search/messages?q=vanne&from={Uri.EscapeDataString(DateTime.UtcNow.AddHours(1).ToString("O"))}");
        var past = await client.GetJsonAsync($"/api/search/messages?q=vanne&to={Uri.EscapeDataString(DateTime.UtcNow.AddHours(1).ToString("O"))}");

        Assert.Equal(["vanne livrée"], Bodies(inSecond));
        Assert.Empty(Bodies(future));
        Assert.Equal(2, Bodies(past).Count);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData("q=", "q")]
    [InlineData("", "q")]
    [InlineData("q=the", "q")]
    [InlineData("q=le%20la%20de", "q")]
    [InlineData("q=--", "q")]
    [InlineData("q=or%20or", "q")]
    [InlineData("q=facture&limit=0", "limit")]
    [InlineData("q=facture&limit=101", "limit")]
    [InlineData("q=facture&cursor=garbage", "cursor")]
    [InlineData("q=facture&from=yesterday", "from")]
    [InlineData("q=facture&from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z", "to")]
    [InlineData("q=facture&sort=best", "sort")]
    [InlineData("q=facture&sort=", "sort")]
    [InlineData("q=facture&sort=RECENT", "sort")]
    [InlineData("q=facture&cursor=MC41fDAxOTNiN2E4MDAwMDcwMDA4MDAwMDAwMDAwMDAwMDAw", "cursor")]
    [InlineData("q=facture&conversationId=not-a-uuid", null)]
    [InlineData("q=facture&limit=abc", null)]
    public async Task Bad_queries_are_400_problems(string query, string? field)
    {
        var (admin, _, _) = await AccountWithAsync("facture");

        await ProblemAssert.IsAsync(await app.ClientFor(admin).GetAsync($"/api/search/messages?{query}"), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_cursor_pages_only_the_sort_it_came_from()
    {
        var (admin, _, _) = await AccountWithAsync("facture une", "facture deux", "facture trois");
        var client = app.ClientFor(admin);
        var relevance = (await client.GetJsonAsync("/api/search/messages?q=facture&limit=1"))["nextCursor"]!.GetValue<string>();
        var recent = (await client.GetJsonAsync("/api/search/messages?q=facture&limit=1&sort=recent"))["nextCursor"]!.GetValue<string>();

        await ProblemAssert.IsAsync(await client.GetAsync($"/api/search/messages?q=facture&sort=recent&cursor={relevance}"), HttpStatusCode.BadRequest, "cursor");
        await ProblemAssert.IsAsync(await client.GetAsync($"/api/search/messages?q=facture&cursor={recent}"), HttpStatusCode.BadRequest, "cursor");
        await ProblemAssert.IsAsync(await client.GetAsync($"/api/search/messages?q=facture&sort=relevance&cursor={recent}"), HttpStatusCode.BadRequest, "cursor");
        Assert.Equal(2, (await client.GetJsonAsync($"/api/search/messages?q=facture&limit=5&cursor={relevance}"))["items"]!.AsArray().Count);
        Assert.Equal(2, (await client.GetJsonAsync($"/api/search/messages?q=facture&limit=5&sort=recent&cursor={recent}"))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Sort_recent_answers_newest_first_with_rank_and_highlight()
    {
        var (admin, _, _) = await AccountWithAsync("La facture d'électricité est arrivée.", "Rien à voir.", "Facture payée, facture classée.");

        var response = await app.ClientFor(admin).GetAsync("/api/search/messages?q=facture&sort=recent");

        await Snap.MatchAsync(response, scrubFields: "rank");
    }

    [Fact]
    public async Task A_query_over_200_characters_is_a_400_problem()
    {
        var (admin, _, _) = await AccountWithAsync("facture");

        await ProblemAssert.IsAsync(await app.ClientFor(admin).GetAsync($"/api/search/messages?q={new string('a', 201)}"), HttpStatusCode.BadRequest, "q");
    }

    [Theory]
    [InlineData("\"unclosed")]
    [InlineData("facture -")]
    [InlineData("\"\"")]
    [InlineData("a:* | b & !c")]
    [InlineData("(facture")]
    [InlineData("'; DROP TABLE messages; --")]
    public async Task Odd_syntax_never_answers_500(string query)
    {
        var (admin, _, _) = await AccountWithAsync("facture");

        var response = await app.ClientFor(admin).GetAsync($"/api/search/messages?q={Uri.EscapeDataString(query)}");

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{query} answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Another_accounts_messages_are_never_found_and_its_conversation_is_not_found()
    {
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
        {
            var conversation = await app.ClientFor(owner).StartConversationIdAsync();
            var message = await app.ClientFor(owner).PostMessageIdAsync(conversation, "confidentiel");
            return ("/api/search/messages?q=confidentiel", message);
        });
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var conversation = await app.ClientFor(owner).StartConversationIdAsync();
            await app.ClientFor(owner).PostMessageAsync(conversation, "confidentiel");
            return new Probe(HttpMethod.Get, $"/api/search/messages?q=confidentiel&conversationId={conversation}", conversation);
        });
    }

    [Fact]
    public async Task Api_keys_cannot_search()
    {
        var (admin, _, _) = await AccountWithAsync("facture");
        var key = await app.AddApiKeyAsync(admin);

        await ProblemAssert.IsAsync(await app.ClientFor(key).GetAsync("/api/search/messages?q=facture"), HttpStatusCode.Forbidden);
    }
}
