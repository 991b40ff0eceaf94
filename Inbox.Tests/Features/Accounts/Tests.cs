namespace Inbox.Tests.Features.Accounts;

public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task Sign_up_creates_an_account_with_its_admin_and_signs_in()
    {
        var response = await app.Client().PostAsJsonAsync("/api/accounts", new
        {
            accountName = "Atelier Dupont",
            name = "Camille Dupont",
            email = "camille@atelier-dupont.example",
            password = "correct horse battery",
        });

        await Snap.MatchAsync(response, scrubFields: "refreshToken");
    }
}
