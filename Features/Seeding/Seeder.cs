using System.Globalization;
using Bogus;
using Inbox.Infrastructure.Time;
using LinqToDB.Data;
using Inbox.Features.ReadReceipts;

namespace Inbox.Features.Seeding;

/// <summary>
/// Demo data for a new installation and for benchmarks: <c>dotnet run -- seed</c> (or <c>./run.sh seed</c>).
/// Three accounts (French, English, and a bilingual one), five users each, about 200 conversations and several
/// thousand messages spread over the last 30 days, with read receipts part-way so unread counts show.
/// Made with Bogus from a fixed seed, so every run produces the same names and texts (times follow "now").
///
/// Sign in with <c>admin@atelier-dupont.example</c>, <c>admin@northwind-repairs.example</c> or
/// <c>admin@cafe-bilingue.example</c> (agents: <c>agent1@…</c> to <c>agent4@…</c>), password
/// <see cref="Password"/>. Running it again does nothing once the first of those emails exists.
/// </summary>
public static class Seeder
{
    public const string Password = "inbox-demo-password";
    public const int RandomSeed = 20261124;
    public const int AgentsPerAccount = 4;
    const int ConversationsTotal = 200;
    static readonly Duration History = Duration.FromDays(30);

    sealed record DemoAccount(string Name, string Domain, DemoTexts.Language[] Languages, string FakerLocale);

    static readonly DemoAccount[] Accounts =
    [
        new("Atelier Dupont", "atelier-dupont.example", [DemoTexts.French], "fr"),
        new("Northwind Repairs", "northwind-repairs.example", [DemoTexts.English], "en"),
        new("Café Bilingue", "cafe-bilingue.example", [DemoTexts.French, DemoTexts.English], "fr_CA"),
    ];

    public static string AdminEmail(int account) => $"admin@{Accounts[account].Domain}";

    public sealed record Result(bool Skipped, int Accounts, int Users, int Conversations, int Messages);

    /// <summary>The <c>seed</c> command: migrate, seed, report. 0 on success, 1 when the database cannot be migrated.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        if (DatabaseMigrator.MigratedForCommand(services, logger, "seed") is not { } database) return 1;

        var result = await SeedAsync(database, services.GetRequiredService<IClock>().NowForDatabase(), ct);
        if (result.Skipped)
            logger.LogInformation("Demo data is already there ({Email} exists); nothing to do", AdminEmail(0));
        else
            logger.LogInformation(
                "Seeded {Accounts} accounts, {Users} users, {Conversations} conversations and {Messages} messages. Sign in as {Email} with password {Password}",
                result.Accounts, result.Users, result.Conversations, result.Messages, AdminEmail(0), Password);
        return 0;
    }

    /// <summary>Writes everything in one transaction, so a failed run leaves nothing half-seeded.</summary>
    public static async Task<Result> SeedAsync(InboxDatabase database, Instant now, CancellationToken ct)
    {
        await using var db = database.Open();
        // Bulk inserts of a whole demo account take longer than a request's statement may (InboxDatabase).
        db.CommandTimeout = 0;
        var firstEmail = AdminEmail(0);
        if (await db.Users.AnyAsync(u => u.Email.ToLower() == firstEmail, ct))
            return new Result(true, 0, 0, 0, 0);

        // One hash for every demo user: PBKDF2 is slow on purpose, and these accounts share a published password anyway.
        var passwordHash = Passwords.Hash(Password);
        int users = 0, conversations = 0, messages = 0;

        await using var tx = await db.BeginTransactionAsync(ct);
        for (var index = 0; index < Accounts.Length; index++)
        {
            var demo = Accounts[index];
            var faker = new Faker(demo.FakerLocale) { Random = new Randomizer(RandomSeed + index) };
            var accountId = Guid.CreateVersion7((now - History - Duration.FromDays(1)).ToDateTimeOffset());
            await db.InsertAsync(new AccountRow { Id = accountId, Name = demo.Name, CreatedAt = now - History - Duration.FromDays(1) }, token: ct);

            var team = MakeUsers(faker, demo, accountId, passwordHash, now - History - Duration.FromDays(1));
            await db.BulkCopyAsync(new BulkCopyOptions(), team, ct);
            var userIds = team.Select(u => u.Id).ToList();

            var count = ConversationsTotal / Accounts.Length + (index < ConversationsTotal % Accounts.Length ? 1 : 0);
            var batch = new Batch();
            for (var i = 0; i < count; i++)
                MakeConversation(faker, demo, accountId, team, now, batch);

            // Contacts first (conversations point at them); the messages' trigger then sets their lastInteractionAt.
            var (contacts, leadHistory) = ContactSeed.Link(faker, accountId, team, batch.Conversations, now);
            await db.BulkCopyAsync(new BulkCopyOptions(), contacts, ct);
            await db.BulkCopyAsync(new BulkCopyOptions(), leadHistory, ct);

            // linq2db BulkCopy over Npgsql binary COPY; the conversations' last_message_id foreign key is deferred to commit.
            await db.BulkCopyAsync(new BulkCopyOptions(), batch.Conversations, ct);
            await db.BulkCopyAsync(new BulkCopyOptions(), batch.Messages, ct);
            await db.BulkCopyAsync(new BulkCopyOptions(), batch.Participants, ct);

            // Machines and maintenance tickets for the same team, some of them overdue.
            await TicketSeed.SeedAsync(db, accountId, userIds, faker, now, ct);

            users += team.Count;
            conversations += batch.Conversations.Count;
            messages += batch.Messages.Count;
        }
        // The stored unread counts, totals and rosters of everything just copied in (docs/conversations.md).
        await UnreadRecount.RunAsync(db, ct);
        await tx.CommitAsync(ct);
        return new Result(false, Accounts.Length, users, conversations, messages);
    }

    sealed class Batch
    {
        public List<ConversationRow> Conversations { get; } = [];
        public List<MessageRow> Messages { get; } = [];
        public List<ParticipantRow> Participants { get; } = [];
    }

    static List<UserRow> MakeUsers(Faker faker, DemoAccount demo, Guid accountId, string passwordHash, Instant at)
    {
        var users = new List<UserRow>
        {
            new()
            {
                Id = Guid.CreateVersion7(at.ToDateTimeOffset()), AccountId = accountId, Name = faker.Name.FullName(),
                Email = $"admin@{demo.Domain}", PasswordHash = passwordHash, Role = InboxRoles.Admin, CreatedAt = at,
            },
        };
        for (var i = 1; i <= AgentsPerAccount; i++)
            users.Add(new UserRow
            {
                Id = Guid.CreateVersion7(at.ToDateTimeOffset()), AccountId = accountId, Name = faker.Name.FullName(),
                Email = $"agent{i}@{demo.Domain}", PasswordHash = passwordHash, Role = InboxRoles.Agent, CreatedAt = at,
            });
        return users;
    }

    static void MakeConversation(Faker faker, DemoAccount demo, Guid accountId, List<UserRow> team, Instant now, Batch batch)
    {
        var language = faker.PickRandom(demo.Languages);
        var started = now - Duration.FromSeconds(faker.Random.Long(600, (long)History.TotalSeconds));
        var assignee = faker.Random.Bool(0.8f) ? faker.PickRandom(team) : null;
        var contactName = faker.Name.FullName();
        var conversation = new ConversationRow
        {
            Id = Guid.CreateVersion7(started.ToDateTimeOffset()),
            AccountId = accountId,
            Channel = faker.PickRandom("email", "whatsapp", "web", "sms", "phone"),
            ContactName = contactName,
            ContactEmail = faker.Random.Bool(0.7f) ? faker.Internet.Email(contactName.Split(' ')[0], contactName.Split(' ')[^1]).ToLowerInvariant() : null,
            ContactPhone = faker.Random.Bool(0.5f) ? faker.Phone.PhoneNumber() : null,
            ContactExternalId = faker.Random.Bool(0.3f) ? $"crm-{faker.Random.Number(10000, 99999)}" : null,
            AssigneeId = assignee?.Id,
            CreatedAt = started,
        };
        var fill = Filler(faker, language, contactName, team);
        conversation.Subject = fill(faker.PickRandom(language.Subjects));

        var participants = new Dictionary<Guid, ParticipantRow>();
        void Join(Guid userId, Instant at) =>
            participants.TryAdd(userId, new ParticipantRow { ConversationId = conversation.Id, UserId = userId, AccountId = accountId, JoinedAt = at });
        if (assignee is not null) Join(assignee.Id, started);

        var length = faker.Random.Int(4, 40);
        var at = started;
        var messages = new List<MessageRow>();
        for (var seq = 1; seq <= length && at < now; seq++)
        {
            var fromContact = seq == 1 || faker.Random.Bool(0.45f);
            var agent = assignee is not null && faker.Random.Bool(0.85f) ? assignee : faker.PickRandom(team);
            var last = seq == length;
            var text = fromContact
                ? fill(seq == 1 ? faker.PickRandom(language.Openers) : faker.PickRandom(language.FollowUps))
                : fill(last && faker.Random.Bool(0.5f) ? faker.PickRandom(language.Closings) : faker.PickRandom(language.Replies));
            var message = new MessageRow
            {
                Id = Guid.CreateVersion7(at.ToDateTimeOffset()),
                AccountId = accountId,
                ConversationId = conversation.Id,
                Seq = seq,
                Direction = fromContact ? MessageDirection.Incoming : MessageDirection.Outgoing,
                Body = text,
                SenderType = fromContact ? SenderType.Contact : SenderType.User,
                SenderUserId = fromContact ? null : agent.Id,
                SenderName = fromContact ? contactName : agent.Name,
                CreatedAt = at,
            };
            messages.Add(message);
            if (!fromContact) Join(agent.Id, at);
            at += Duration.FromMinutes(faker.Random.Int(3, 600));
        }

        var newest = messages[^1];
        conversation.LastSeq = newest.Seq;
        conversation.LastMessageId = newest.Id;
        conversation.LastActivityAt = newest.CreatedAt;
        var age = now - newest.CreatedAt;
        conversation.Status = age > Duration.FromDays(7) ? ConversationStatus.Resolved
            : age > Duration.FromDays(2) ? faker.PickRandom(ConversationStatus.All)
            : faker.Random.Bool(0.8f) ? ConversationStatus.Open : ConversationStatus.Pending;

        // Receipts: resolved conversations are read to the end; open ones somewhere along the way, so there is unread work.
        foreach (var participant in participants.Values)
        {
            var upTo = conversation.Status == ConversationStatus.Resolved || faker.Random.Bool(0.4f)
                ? newest
                : messages[faker.Random.Int(0, messages.Count - 1)];
            participant.LastReadSeq = upTo.Seq;
            participant.LastReadMessageId = upTo.Id;
            participant.LastReadAt = upTo.CreatedAt;
            participant.Muted = faker.Random.Bool(0.05f);
        }

        batch.Conversations.Add(conversation);
        batch.Messages.AddRange(messages);
        batch.Participants.AddRange(participants.Values);
    }

    static Func<string, string> Filler(Faker faker, DemoTexts.Language language, string contactName, List<UserRow> team)
    {
        // The service runs with invariant globalization: dates are formatted by pattern, with English month names.
        var culture = CultureInfo.InvariantCulture;
        var product = faker.PickRandom(language.Products);
        var order = $"{faker.Random.Number(10, 99)}-{faker.Random.Number(10000, 99999)}";
        var city = faker.Address.City();
        return template => template
            .Replace("{contact}", contactName.Split(' ')[0])
            .Replace("{agent}", faker.PickRandom(team).Name.Split(' ')[0])
            .Replace("{product}", product)
            .Replace("{order}", order)
            .Replace("{date}", faker.Date.Soon(10).ToString(language.Code == "fr" ? "dd/MM" : "d MMM", culture))
            .Replace("{time}", faker.PickRandom(language.Code == "fr" ? new[] { "8 h et 10 h", "10 h et 12 h", "14 h et 17 h" } : ["8 and 10 am", "10 am and noon", "2 and 5 pm"]))
            .Replace("{price}", language.Code == "fr" ? $"{faker.Random.Number(40, 900)}" : $"£{faker.Random.Number(40, 900)}")
            .Replace("{city}", city)
            .Replace("{count}", faker.Random.Number(2, 12).ToString(CultureInfo.InvariantCulture));
    }
}
