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

    [Fact]
    public async Task An_email_is_taken_whatever_its_case()
    {
        var first = await app.SignUpAsync(email: "Jo.Martin@Example.com");

        var again = await app.Client().PostAsJsonAsync("/api/accounts", new { accountName = "Other", name = "Jo", email = "jo.martin@example.COM", password = "another password" });

        await Snap.MatchAsync(again);
        Assert.NotEqual(Guid.Empty, first.AccountId);
    }

    [Theory]
    [InlineData("""{"name":"A","email":"a@example.com","password":"long enough"}""", "accountName")]
    [InlineData("""{"accountName":"A","email":"a@example.com","password":"long enough"}""", "name")]
    [InlineData("""{"accountName":"A","name":"A","password":"long enough"}""", "email")]
    [InlineData("""{"accountName":"A","name":"A","email":"not-an-email","password":"long enough"}""", "email")]
    [InlineData("""{"accountName":"A","name":"A","email":"a@example.com","password":"short"}""", "password")]
    [InlineData("""{"accountName":"A","name":"A","email":"a@example.com"}""", "password")]
    [InlineData("""{"accountName":123,"name":"A","email":"a@example.com","password":"long enough"}""", null)]
    [InlineData("""{"accountName":"A","name":"A","email":"a@example.com","password":"long enough" """, null)]
    [InlineData("""[]""", null)]
    [InlineData("""null""", null)]
    [InlineData("", null)]
    public async Task Bad_sign_up_input_is_a_400_problem(string json, string? field)
    {
        var response = await app.Client().PostAsync("/api/accounts", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Oversized_fields_are_a_400_problem()
    {
        var response = await app.Client().PostAsJsonAsync("/api/accounts", new
        {
            accountName = new string('a', 201),
            name = new string('n', 201),
            email = new string('e', 250) + "@example.com",
            password = new string('p', 129),
        });

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["accountName", "email", "name", "password"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
    }
}

public sealed class ClosedSignupApp : InboxApp
{
    public ClosedSignupApp() => With("Auth:SignupEnabled", "false");
}

public sealed class ClosedSignupTests(ClosedSignupApp app) : IClassFixture<ClosedSignupApp>
{
    [Fact]
    public async Task Sign_up_is_refused_when_disabled()
    {
        var response = await app.Client().PostAsJsonAsync("/api/accounts", new { accountName = "A", name = "A", email = "a@example.com", password = "long enough" });

        await Snap.MatchAsync(response);
    }
}
