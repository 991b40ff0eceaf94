using Inbox.Features.Tickets;

namespace Inbox.Features.Seeding;

/// <summary>
/// Demo machines and about fifty maintenance tickets for one account: French and English titles, every status,
/// histories that follow the workflow step by step, and a few overdue tickets. Ids aside, the same rows for a
/// seeded <see cref="Bogus.Faker"/> and a fixed <c>now</c>. Runs in the caller's transaction if it has one.
/// </summary>
public static class TicketSeed
{
    public const int TicketCount = 50;

    static readonly (string Name, string Location, string SerialPrefix)[] MachineTemplates =
    [
        ("Presse hydraulique P-40", "Atelier A, poste 3", "PH"),
        ("Tour CN Haas ST-20", "Atelier B", "HST"),
        ("Compresseur Atlas Copco GA 30", "Local technique", "AC"),
        ("Chariot élévateur Linde H25", "Entrepôt", "LH"),
        ("Packaging line 2", "Hall C", "PKG"),
        ("Boiler room heat pump", "Basement", "HP"),
        ("Conveyor belt C-7", "Shipping dock", "CNV"),
    ];

    static readonly string[] Titles =
    [
        "Fuite d'huile au vérin principal",
        "Bruit anormal au démarrage",
        "Capteur de pression hors tolérance",
        "Révision annuelle à planifier",
        "Courroie usée, à remplacer",
        "Arrêt d'urgence qui se déclenche seul",
        "Surchauffe du moteur après deux heures",
        "Écran de commande qui ne répond plus",
        "Remplacement des filtres à air",
        "Graissage des roulements",
        "Oil leak under the main cylinder",
        "Unusual vibration at full speed",
        "Pressure sensor reads out of range",
        "Annual service due",
        "Worn drive belt needs replacing",
        "Emergency stop trips by itself",
        "Motor overheats after two hours",
        "Control panel screen frozen",
        "Replace the air filters",
        "Bearings need greasing",
    ];

    static readonly string[] Descriptions =
    [
        "Signalé par l'équipe de nuit.",
        "Constaté lors du contrôle du matin, la machine tourne encore.",
        "Pièce commandée chez le fournisseur habituel ?",
        "Reported by the night shift.",
        "Noticed during the morning check; the machine still runs.",
        "The operator says it started after last week's repair.",
    ];

    static readonly string[] Notes =
    [
        "Je regarde ça ce matin.",
        "Pièce commandée, livraison sous 5 jours.",
        "Réparé et testé, RAS.",
        "On it.",
        "Parts ordered, five days lead time.",
        "Fixed and tested.",
    ];

    /// <summary>Ways a ticket may have reached each status, each step a transition the workflow allows.</summary>
    static readonly Dictionary<string, string[][]> Paths = new()
    {
        [TicketStatus.Received] = [[], [TicketStatus.Diagnostic, TicketStatus.Received]],
        [TicketStatus.Diagnostic] = [[TicketStatus.Diagnostic]],
        [TicketStatus.InProgress] =
        [
            [TicketStatus.Diagnostic, TicketStatus.InProgress],
            [TicketStatus.Diagnostic, TicketStatus.InProgress, TicketStatus.WaitingParts, TicketStatus.InProgress],
        ],
        [TicketStatus.WaitingParts] = [[TicketStatus.Diagnostic, TicketStatus.InProgress, TicketStatus.WaitingParts]],
        [TicketStatus.Completed] =
        [
            [TicketStatus.Completed],
            [TicketStatus.Diagnostic, TicketStatus.InProgress, TicketStatus.Completed],
            [TicketStatus.Diagnostic, TicketStatus.InProgress, TicketStatus.WaitingParts, TicketStatus.InProgress, TicketStatus.Completed],
        ],
        [TicketStatus.Archived] =
        [
            [TicketStatus.Completed, TicketStatus.Archived],
            [TicketStatus.Diagnostic, TicketStatus.InProgress, TicketStatus.Completed, TicketStatus.Archived],
        ],
    };

    /// <summary>How many tickets end in each status; received and diagnostic ones are the overdue candidates.</summary>
    static readonly (string Status, float Weight)[] StatusWeights =
    [
        (TicketStatus.Received, 0.2f), (TicketStatus.Diagnostic, 0.15f), (TicketStatus.InProgress, 0.15f),
        (TicketStatus.WaitingParts, 0.1f), (TicketStatus.Completed, 0.25f), (TicketStatus.Archived, 0.15f),
    ];

    public static async Task SeedAsync(InboxDb db, Guid accountId, IReadOnlyList<Guid> userIds, Bogus.Faker faker, Instant now, CancellationToken ct)
    {
        // Whole seconds: what PostgreSQL stores is then exactly what was generated.
        now = Instant.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var machines = MachineTemplates.Select((m, i) => new MachineRow
        {
            Id = Guid.CreateVersion7((now - Duration.FromDays(120 - i)).ToDateTimeOffset()),
            AccountId = accountId,
            Name = m.Name,
            Location = m.Location,
            SerialNumber = $"{m.SerialPrefix}-{faker.Random.Number(10_000, 99_999)}",
            CreatedAt = now - Duration.FromDays(120 - i),
        }).ToList();

        var tickets = new List<TicketRow>();
        var history = new List<TicketHistoryRow>();
        for (var i = 0; i < TicketCount; i++)
        {
            // The first few are forced so that every status, and overdue tickets, are always there.
            var forceOverdue = i >= StatusWeights.Length && i < StatusWeights.Length + 3;
            var status = i < StatusWeights.Length ? StatusWeights[i].Status
                : forceOverdue ? Workflow.OverdueStatuses[i % Workflow.OverdueStatuses.Count]
                : faker.Random.WeightedRandom(StatusWeights.Select(w => w.Status).ToArray(), StatusWeights.Select(w => w.Weight).ToArray());
            var (ticket, changes) = MakeTicket(faker, accountId, userIds, machines, status, forceOverdue, now);
            tickets.Add(ticket);
            history.AddRange(changes);
        }

        var tx = db.Transaction is null ? await db.BeginTransactionAsync(ct) : null;
        try
        {
            foreach (var machine in machines) await db.InsertAsync(machine, token: ct);
            foreach (var ticket in tickets) await db.InsertAsync(ticket, token: ct);
            foreach (var change in history) await db.InsertAsync(change, token: ct);
            if (tx is not null) await tx.CommitAsync(ct);
        }
        finally
        {
            if (tx is not null) await tx.DisposeAsync();
        }
    }

    static (TicketRow, List<TicketHistoryRow>) MakeTicket(
        Bogus.Faker faker, Guid accountId, IReadOnlyList<Guid> userIds, List<MachineRow> machines, string status, bool forceOverdue, Instant now)
    {
        var createdAt = now - Duration.FromSeconds(faker.Random.Long(2 * 3600, 60L * 24 * 3600));
        var path = faker.PickRandom(Paths[status]);
        var ticket = new TicketRow
        {
            // Time-ordered ids from the creation time, as a ticket opened then would have.
            Id = Guid.CreateVersion7(createdAt.ToDateTimeOffset()),
            AccountId = accountId,
            Title = faker.PickRandom(Titles),
            Description = faker.Random.Bool(0.6f) ? faker.PickRandom(Descriptions) : null,
            Status = status,
            Priority = faker.Random.WeightedRandom([TicketPriority.Low, TicketPriority.Medium, TicketPriority.High, TicketPriority.Critical], [0.2f, 0.5f, 0.2f, 0.1f]),
            MachineId = faker.Random.Bool(0.8f) ? faker.PickRandom(machines).Id : null,
            AssigneeId = faker.Random.Bool(0.7f) ? PickUser(faker, userIds) : null,
            CreatedAt = createdAt,
        };
        var open = Workflow.OverdueStatuses.Contains(status);
        if (forceOverdue || (open && faker.Random.Bool(0.4f)))
            ticket.ScheduledAt = now - Duration.FromHours(faker.Random.Int(1, 96)); // overdue
        else if (open || faker.Random.Bool(0.3f))
            ticket.ScheduledAt = now + Duration.FromHours(faker.Random.Int(2, 21 * 24));

        var changes = new List<TicketHistoryRow>
        {
            new() { AccountId = accountId, TicketId = ticket.Id, FromStatus = null, ToStatus = Workflow.Initial, ByUserId = PickUser(faker, userIds), At = createdAt },
        };
        var at = createdAt;
        var from = Workflow.Initial;
        var span = (now - createdAt) / (path.Length + 1);
        foreach (var to in path)
        {
            if (!Workflow.Allows(from, to))
                throw new InvalidOperationException($"Seed path {string.Join(" → ", path)} breaks the workflow at {from} → {to}.");
            at += Duration.FromSeconds(faker.Random.Long(60, Math.Max(61, (long)span.TotalSeconds)));
            changes.Add(new TicketHistoryRow
            {
                AccountId = accountId,
                TicketId = ticket.Id,
                FromStatus = from,
                ToStatus = to,
                Note = faker.Random.Bool(0.5f) ? faker.PickRandom(Notes) : null,
                ByUserId = PickUser(faker, userIds),
                At = at,
            });
            from = to;
        }
        ticket.UpdatedAt = at;
        return (ticket, changes);
    }

    static Guid? PickUser(Bogus.Faker faker, IReadOnlyList<Guid> userIds) =>
        userIds.Count == 0 ? null : userIds[faker.Random.Int(0, userIds.Count - 1)];
}
