using Bogus;
using Inbox.Features.Contacts;

namespace Inbox.Features.Seeding;

/// <summary>
/// Demo contacts: the conversations' people, one contact per person (found by externalId, then email, as the
/// service finds them), with lead fields filled in so the contacts view and its filters have something to show.
/// </summary>
static class ContactSeed
{
    static readonly string[] Sources = ["whatsapp", "website", "salon", "referral", "phone"];

    public static (List<ContactRow> Contacts, List<ContactLeadHistoryRow> History) Link(
        Faker faker, Guid accountId, IReadOnlyList<UserRow> team, IEnumerable<ConversationRow> conversations, Instant now)
    {
        var contacts = new List<ContactRow>();
        var history = new List<ContactLeadHistoryRow>();
        var byKey = new Dictionary<string, ContactRow>(StringComparer.Ordinal);
        var phones = new HashSet<string>(StringComparer.Ordinal);
        foreach (var conversation in conversations.OrderBy(c => c.CreatedAt))
        {
            var keys = new[] { conversation.ContactExternalId is { } x ? "x:" + x : null, conversation.ContactEmail is { } e ? "e:" + e.ToLowerInvariant() : null }
                .OfType<string>().ToList();
            var contact = keys.Select(k => byKey.GetValueOrDefault(k)).FirstOrDefault(c => c is not null);
            if (contact is null)
            {
                string? phone = null;
                if (conversation.ContactPhone is { } typed && ContactRules.TryPhone(typed, "FR", out var e164) && phones.Add(e164)) phone = e164;
                var status = faker.PickRandom(LeadStatus.All.ToArray());
                contact = new ContactRow
                {
                    Id = Guid.CreateVersion7(conversation.CreatedAt.ToDateTimeOffset()),
                    AccountId = accountId,
                    Name = conversation.ContactName,
                    Email = conversation.ContactEmail,
                    Phone = phone,
                    ExternalId = conversation.ContactExternalId,
                    Company = faker.Random.Bool(0.4f) ? faker.Company.CompanyName() : null,
                    LeadCode = faker.Random.Bool(0.6f) ? $"L-{faker.Random.Number(1000, 9999)}" : null,
                    LeadStatus = status,
                    Source = faker.PickRandom(Sources),
                    Score = faker.Random.Bool(0.7f) ? faker.Random.Int(0, 100) : null,
                    OwnerId = faker.Random.Bool(0.6f) ? faker.PickRandom(team.ToArray()).Id : null,
                    CreatedAt = conversation.CreatedAt,
                    UpdatedAt = conversation.CreatedAt,
                };
                contacts.Add(contact);
                history.Add(new ContactLeadHistoryRow
                {
                    AccountId = accountId, ContactId = contact.Id, FromStatus = null, ToStatus = status, ByUserId = contact.OwnerId, At = contact.CreatedAt,
                });
            }
            foreach (var key in keys) byKey.TryAdd(key, contact);
            conversation.ContactId = contact.Id;
        }
        return (contacts, history);
    }
}
