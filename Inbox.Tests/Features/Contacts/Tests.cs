namespace Inbox.Tests.Features.Contacts;

/// <summary>The contact routes: shapes, deduplication, the lead workflow, merge, who may call what.</summary>
public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task Creating_a_contact_answers_201_with_its_shape()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);

        var response = await client.PostAsJsonAsync("/api/contacts", new
        {
            name = "Élodie Fournier",
            email = "  Elodie.Fournier@Example.com ",
            phone = "+33 6 12 34 56 78",
            externalId = "crm-77",
            company = "Boulangerie Fournier",
            notes = "Préfère WhatsApp.",
            fields = new Dictionary<string, string> { ["ville"] = "Lyon", ["airtableId"] = "rec123" },
            leadCode = "L-2026-001",
            leadStatus = "contacted",
            source = "whatsapp",
            score = 72,
            ownerId = admin.Id,
        });

        await Snap.MatchAsync(response);
    }

    [Fact]
    public async Task Get_answers_the_contact_and_a_new_one_is_new()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await ContactApi.CreateIdAsync(client, new { name = "Paul Girard" });

        await Snap.MatchAsync(await client.GetAsync($"/api/contacts/{id}"));
    }

    [Fact]
    public async Task Each_key_is_unique_per_account_and_a_duplicate_is_a_409_naming_the_existing_contact()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await ContactApi.CreateIdAsync(client, new { email = "jean@example.com", phone = "+33612345678", externalId = "ext-1" });

        var byEmail = await client.PostAsJsonAsync("/api/contacts", new { email = " JEAN@Example.COM" });
        var byPhone = await client.PostAsJsonAsync("/api/contacts", new { phone = "+33 (0)6 12-34-56-78" });
        var byExternalId = await client.PostAsJsonAsync("/api/contacts", new { name = "x", externalId = "ext-1" });

        await Snap.MatchAsync(byEmail, "email");
        foreach (var response in new[] { byEmail, byPhone, byExternalId })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal(id, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["existingContactId"]!.GetValue<Guid>());
        }
        // Another account may hold the same keys.
        var other = app.ClientFor(await app.SignUpAsync());
        await ContactApi.CreateIdAsync(other, new { email = "jean@example.com", phone = "+33612345678", externalId = "ext-1" });
    }

    [Fact]
    public async Task A_phone_that_cannot_be_read_is_a_400_naming_phone_and_local_numbers_use_the_accounts_region()
    {
        var client = app.ClientFor(await app.SignUpAsync());

        var unreadable = await client.PostAsJsonAsync("/api/contacts", new { name = "x", phone = "not a phone" });
        var local = await client.PostAsJsonAsync("/api/contacts", new { name = "x", phone = "06 12 34 56 78" });
        await Snap.MatchAsync(unreadable, "unreadable");
        Assert.Equal(HttpStatusCode.BadRequest, local.StatusCode);

        var account = await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/api/account") { Content = JsonContent.Create(new { defaultPhoneRegion = "FR" }) });
        await Snap.MatchAsync(account, "account");
        var created = await ContactApi.CreateAsync(client, new { name = "x", phone = "06 12 34 56 78" });
        Assert.Equal("+33612345678", created["phone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patching_changes_fields_null_clears_and_a_taken_key_is_a_409()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var taken = await ContactApi.CreateIdAsync(client, new { email = "taken@example.com" });
        var id = await ContactApi.CreateIdAsync(client, new { name = "Paul", company = "ACME", email = "paul@example.com" });

        var patched = await client.SendAsync(ContactApi.Patch(id, $$$"""{"name":"Paul Girard","company":null,"score":40,"source":"website","ownerId":"{{{admin.Id}}}","fields":{"tier":"gold"}}"""));
        var duplicate = await client.SendAsync(ContactApi.Patch(id, """{"email":"TAKEN@example.com"}"""));

        await Snap.MatchAsync(patched, "patched");
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(taken, JsonNode.Parse(await duplicate.Content.ReadAsStringAsync())!["existingContactId"]!.GetValue<Guid>());
        Assert.Equal("paul@example.com", (await ContactApi.GetAsync(client, id))["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_owner_or_score_out_of_bounds_is_a_400_naming_the_field()
    {
        var stranger = await app.SignUpAsync();
        var client = app.ClientFor(await app.SignUpAsync());

        var foreignOwner = await client.PostAsJsonAsync("/api/contacts", new { name = "x", ownerId = stranger.Id });
        var score = await client.PostAsJsonAsync("/api/contacts", new { name = "x", score = 101 });
        var tooManyFields = await client.PostAsJsonAsync("/api/contacts", new { name = "x", fields = Enumerable.Range(0, 21).ToDictionary(i => $"f{i}", i => "v") });
        var nothing = await client.PostAsJsonAsync("/api/contacts", new { company = "ACME" });

        await Snap.MatchAsync(foreignOwner, "owner");
        await ProblemAssert.IsAsync(score, HttpStatusCode.BadRequest);
        await ProblemAssert.IsAsync(tooManyFields, HttpStatusCode.BadRequest);
        await ProblemAssert.IsAsync(nothing, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_lead_workflow_moves_forward_back_to_new_and_refuses_the_rest_with_409()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var id = await ContactApi.CreateIdAsync(client);

        var skipped = await ContactApi.ChangeStatusAsync(client, id, "won");
        await Snap.MatchAsync(skipped, "refused");
        var contacted = await ContactApi.ChangeStatusAsync(client, id, "contacted", "Appelée ce matin");
        await Snap.MatchAsync(contacted, "contacted");
        Assert.Equal(HttpStatusCode.OK, (await ContactApi.ChangeStatusAsync(client, id, "qualified")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ContactApi.ChangeStatusAsync(client, id, "lost")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await ContactApi.ChangeStatusAsync(client, id, "won")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ContactApi.ChangeStatusAsync(client, id, "new")).StatusCode);

        var history = await client.GetAsync($"/api/contacts/{id}/history");
        await Snap.MatchAsync(history, "history");
        var entries = JsonNode.Parse(await history.Content.ReadAsStringAsync())!.AsArray();
        Assert.Equal(["new", "contacted", "qualified", "lost", "new"], entries.Select(e => e!["to"]!.GetValue<string>()));
        Assert.All(entries, e => Assert.Equal(admin.Id, e!["byUserId"]!.GetValue<Guid>()));
    }

    [Fact]
    public async Task The_list_is_latest_interaction_first_and_filters_by_status_owner_source_and_q()
    {
        var admin = await app.SignUpAsync();
        var client = app.ClientFor(admin);
        var quiet = await ContactApi.CreateIdAsync(client, new { name = "Zoé Quiet", source = "website" });
        var talked = await ContactApi.CreateIdAsync(client, new { name = "Élodie Fournier", company = "Boulangerie du Marché", email = "elodie@fournil.fr", phone = "+33698765432", ownerId = admin.Id });
        var conversation = await ContactApi.StartConversationAsync(client, new { id = talked });
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/conversations/{conversation["id"]}/messages", new { body = "Bonjour" })).StatusCode);
        await ContactApi.ChangeStatusAsync(client, quiet, "contacted");

        Assert.Equal([talked, quiet], await ContactApi.ListIdsAsync(client, ""));
        Assert.NotNull((await ContactApi.GetAsync(client, talked))["lastInteractionAt"]);
        Assert.Equal([quiet], await ContactApi.ListIdsAsync(client, "?leadStatus=contacted"));
        Assert.Equal([talked], await ContactApi.ListIdsAsync(client, $"?ownerId={admin.Id}"));
        Assert.Equal([quiet], await ContactApi.ListIdsAsync(client, "?source=website"));
        // q: the start of any word of the name or company, accent- and case-insensitive, or of the email or phone.
        Assert.Equal([talked], await ContactApi.ListIdsAsync(client, "?q=elo"));
        Assert.Equal([talked], await ContactApi.ListIdsAsync(client, "?q=MARCH"));
        Assert.Equal([talked], await ContactApi.ListIdsAsync(client, "?q=elodie%40four"));
        Assert.Equal([talked], await ContactApi.ListIdsAsync(client, "?q=%2B33698"));
        Assert.Equal([talked], await ContactApi.ListIdsAsync(client, "?q=fourn%20boul"));
        Assert.Empty(await ContactApi.ListIdsAsync(client, "?q=arché"));
        Assert.Empty(await ContactApi.ListIdsAsync(client, "?q=%27%20%26%20%21%3A*%20%5C"));

        await Snap.MatchAsync(await client.GetAsync("/api/contacts?limit=1"), "first", "nextCursor");
        var first = JsonNode.Parse(await client.GetStringAsync("/api/contacts?limit=1"))!;
        var cursor = Uri.EscapeDataString(first["nextCursor"]!.GetValue<string>());
        Assert.Equal([quiet], await ContactApi.ListIdsAsync(client, $"?limit=1&cursor={cursor}"));
    }

    [Fact]
    public async Task Deleting_a_contact_leaves_its_conversations_with_the_contact_as_it_was_and_no_id()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var conversation = await ContactApi.StartConversationAsync(client, new { name = "Léa", email = "lea@example.com" });
        var contactId = ContactApi.ContactIdOf(conversation)!.Value;
        await client.SendAsync(ContactApi.Patch(contactId, """{"name":"Léa Martin"}"""));

        var deleted = await client.DeleteAsync($"/api/contacts/{contactId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemAssert.IsAsync(await client.GetAsync($"/api/contacts/{contactId}"), HttpStatusCode.NotFound);
        var after = JsonNode.Parse(await client.GetStringAsync($"/api/conversations/{conversation["id"]}"))!;
        Assert.Null(after["contact"]!["id"]);
        Assert.Equal("Léa Martin", after["contact"]!["name"]!.GetValue<string>());
        Assert.Equal("lea@example.com", after["contact"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Merging_moves_conversations_and_history_fills_empty_fields_and_deletes_the_duplicate()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var survivor = await ContactApi.CreateIdAsync(client, new { name = "Paul Girard", email = "paul@example.com", fields = new { tier = "gold" } });
        var duplicate = await ContactApi.CreateIdAsync(client, new { phone = "+33611111111", company = "Girard SARL", fields = new { tier = "silver", city = "Nantes" } });
        await ContactApi.ChangeStatusAsync(client, duplicate, "contacted");
        var conversation = await ContactApi.StartConversationAsync(client, new { id = duplicate });

        var merged = await client.PostAsJsonAsync($"/api/contacts/{survivor}/merge", new { duplicateId = duplicate });

        await Snap.MatchAsync(merged);
        await ProblemAssert.IsAsync(await client.GetAsync($"/api/contacts/{duplicate}"), HttpStatusCode.NotFound);
        var conversations = JsonNode.Parse(await client.GetStringAsync($"/api/contacts/{survivor}/conversations"))!["items"]!.AsArray();
        Assert.Equal(conversation["id"]!.GetValue<Guid>(), Assert.Single(conversations)!["id"]!.GetValue<Guid>());
        Assert.Equal(survivor, conversations[0]!["contact"]!["id"]!.GetValue<Guid>());
        var history = JsonNode.Parse(await client.GetStringAsync($"/api/contacts/{survivor}/history"))!.AsArray();
        Assert.Equal(3, history.Count);
        // The phone is free again only through the survivor: creating it anew is a duplicate of the survivor.
        var again = await client.PostAsJsonAsync("/api/contacts", new { phone = "+33611111111" });
        Assert.Equal(survivor, JsonNode.Parse(await again.Content.ReadAsStringAsync())!["existingContactId"]!.GetValue<Guid>());
        await ProblemAssert.IsAsync(await client.PostAsJsonAsync($"/api/contacts/{survivor}/merge", new { duplicateId = survivor }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_contacts_conversations_answer_a_page_of_conversations()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await ContactApi.CreateIdAsync(client, new { name = "Léa Martin", email = "lea.martin@example.com" });
        await ContactApi.StartConversationAsync(client, new { id });

        await Snap.MatchAsync(await client.GetAsync($"/api/contacts/{id}/conversations"));
    }

    [Fact]
    public async Task An_api_key_may_create_and_read_contacts_and_do_nothing_else()
    {
        var admin = await app.SignUpAsync();
        var key = app.ClientFor(await app.AddApiKeyAsync(admin));
        var agent = app.ClientFor(await app.AddUserAsync(admin, "agent"));

        var id = await ContactApi.CreateIdAsync(key, new { email = "from.erp@example.com" });
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync($"/api/contacts/{id}")).StatusCode);
        Assert.Contains(id, await ContactApi.ListIdsAsync(key, ""));
        Assert.Equal(HttpStatusCode.Forbidden, (await key.SendAsync(ContactApi.Patch(id, """{"name":"x"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ContactApi.ChangeStatusAsync(key, id, "contacted")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.GetAsync($"/api/contacts/{id}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await key.DeleteAsync($"/api/contacts/{id}")).StatusCode);
        // Agents edit and qualify, admins delete, merge, import and export.
        Assert.Equal(HttpStatusCode.OK, (await ContactApi.ChangeStatusAsync(agent, id, "contacted")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.DeleteAsync($"/api/contacts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/api/account") { Content = JsonContent.Create(new { name = "x" }) })).StatusCode);
        Assert.Null((await ContactApi.GetAsync(agent, id))["name"]);
    }

    [Fact]
    public async Task Two_concurrent_creations_with_one_email_make_one_contact()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        for (var round = 0; round < 5; round++)
        {
            var email = $"race.{round}.{Guid.NewGuid():N}@example.com";
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.PostAsJsonAsync("/api/contacts", new { email })));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        }
    }

    [Fact]
    public async Task Conversations_started_at_once_by_one_person_share_one_contact()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        for (var round = 0; round < 5; round++)
        {
            var email = $"race.{round}.{Guid.NewGuid():N}@example.com";
            var started = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => ContactApi.StartConversationAsync(client, new { name = $"Client {i}", email })));
            Assert.Single(started.Select(ContactApi.ContactIdOf).Distinct());
        }
    }

    [Fact]
    public async Task A_conversation_finds_its_contact_by_external_id_then_email_then_normalised_phone()
    {
        var client = app.ClientFor(await app.SignUpAsync());
        var byExternal = await ContactApi.CreateIdAsync(client, new { externalId = "crm-1", email = "one@example.com" });
        var byEmail = await ContactApi.CreateIdAsync(client, new { email = "two@example.com" });
        var byPhone = await ContactApi.CreateIdAsync(client, new { phone = "+33612345678" });

        Assert.Equal(byExternal, ContactApi.ContactIdOf(await ContactApi.StartConversationAsync(client, new { externalId = "crm-1", email = "two@example.com" })));
        Assert.Equal(byEmail, ContactApi.ContactIdOf(await ContactApi.StartConversationAsync(client, new { email = " TWO@Example.com ", phone = "+33612345678" })));
        Assert.Equal(byPhone, ContactApi.ContactIdOf(await ContactApi.StartConversationAsync(client, new { name = "Inconnu", phone = "+33 6 12 34 56 78" })));
        var fresh = await ContactApi.StartConversationAsync(client, new { name = "Nouveau", email = "new@example.com" });
        var created = ContactApi.ContactIdOf(fresh)!.Value;
        Assert.DoesNotContain(created, new[] { byExternal, byEmail, byPhone });
        Assert.Equal("Nouveau", (await ContactApi.GetAsync(client, created))["name"]!.GetValue<string>());
        Assert.Equal(byEmail, ContactApi.ContactIdOf(await ContactApi.StartConversationAsync(client, new { id = byEmail })));

        var foreign = await ContactApi.CreateIdAsync(app.ClientFor(await app.SignUpAsync()));
        var refused = await client.PostAsJsonAsync("/api/conversations", new { contact = new { id = foreign } });
        await Snap.MatchAsync(refused, "foreign-contact");
        var badPhone = await client.PostAsJsonAsync("/api/conversations", new { contact = new { phone = "12" } });
        await Snap.MatchAsync(badPhone, "bad-phone");
    }

    [Theory]
    [InlineData("POST", "/api/contacts")]
    [InlineData("GET", "/api/contacts")]
    [InlineData("GET", "/api/contacts/0196b5c4-0000-7000-8000-000000000000")]
    [InlineData("PATCH", "/api/contacts/0196b5c4-0000-7000-8000-000000000000")]
    [InlineData("DELETE", "/api/contacts/0196b5c4-0000-7000-8000-000000000000")]
    [InlineData("POST", "/api/contacts/0196b5c4-0000-7000-8000-000000000000/lead-status")]
    [InlineData("GET", "/api/contacts/0196b5c4-0000-7000-8000-000000000000/history")]
    [InlineData("GET", "/api/contacts/0196b5c4-0000-7000-8000-000000000000/conversations")]
    [InlineData("POST", "/api/contacts/0196b5c4-0000-7000-8000-000000000000/merge")]
    [InlineData("POST", "/api/contacts/import")]
    [InlineData("GET", "/api/contacts/export")]
    [InlineData("PATCH", "/api/account")]
    public async Task Every_route_refuses_anonymous_callers_with_401(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET" && method != "DELETE") request.Content = JsonContent.Create(new { name = "x", status = "contacted" });

        var response = await app.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Get_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await ContactApi.CreateIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Get, $"/api/contacts/{id}", id);
        });

    [Fact]
    public async Task Patch_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await ContactApi.CreateIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Patch, $"/api/contacts/{id}", id, new { name = "Hijacked" });
        });

    [Fact]
    public async Task Delete_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await ContactApi.CreateIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Delete, $"/api/contacts/{id}", id);
        });

    [Fact]
    public async Task Lead_status_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await ContactApi.CreateIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Post, $"/api/contacts/{id}/lead-status", id, new { status = "contacted" });
        });

    [Fact]
    public async Task History_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await ContactApi.CreateIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Get, $"/api/contacts/{id}/history", id);
        });

    [Fact]
    public async Task Conversations_are_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var id = await ContactApi.CreateIdAsync(app.ClientFor(owner));
            return new Probe(HttpMethod.Get, $"/api/contacts/{id}/conversations", id);
        });

    [Fact]
    public async Task Merge_is_invisible_to_other_accounts() =>
        await TenantIsolation.AssertInvisibleToOtherAccountsAsync(app, async owner =>
        {
            var client = app.ClientFor(owner);
            var id = await ContactApi.CreateIdAsync(client);
            var duplicate = await ContactApi.CreateIdAsync(client);
            return new Probe(HttpMethod.Post, $"/api/contacts/{id}/merge", id, new { duplicateId = duplicate });
        });

    [Fact]
    public async Task Merge_with_another_accounts_duplicate_is_a_404_and_changes_nothing()
    {
        var foreign = await ContactApi.CreateIdAsync(app.ClientFor(await app.SignUpAsync()));
        var client = app.ClientFor(await app.SignUpAsync());
        var id = await ContactApi.CreateIdAsync(client);

        await ProblemAssert.IsAsync(await client.PostAsJsonAsync($"/api/contacts/{id}/merge", new { duplicateId = foreign }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_list_never_shows_other_accounts_contacts() =>
        await TenantIsolation.AssertNotListedToOtherAccountsAsync(app, async owner =>
            ("/api/contacts?q=isolation", await ContactApi.CreateIdAsync(app.ClientFor(owner), new { name = "Isolation Test" })));

    [Fact]
    public async Task The_export_never_shows_other_accounts_contacts()
    {
        var externalId = $"iso-{Guid.NewGuid():N}";
        var owner = app.ClientFor(await app.SignUpAsync());
        await ContactApi.CreateIdAsync(owner, new { name = "Exported", externalId });
        Assert.Contains(externalId, await owner.GetStringAsync("/api/contacts/export"));

        var outsider = await app.ClientFor(await app.SignUpAsync()).GetAsync("/api/contacts/export");
        Assert.Equal(HttpStatusCode.OK, outsider.StatusCode);
        Assert.DoesNotContain(externalId, await outsider.Content.ReadAsStringAsync());
    }
}
