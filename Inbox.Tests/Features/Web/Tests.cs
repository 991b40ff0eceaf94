namespace Inbox.Tests.Features.Web;

/// <summary>
/// The web page and the JS client are static files of the service (wwwroot/); serving them must not change what
/// the API answers. Their behaviour is tested in a real browser by clients/test (scripts/js-tests.sh).
/// </summary>
public sealed class Tests(InboxApp app) : IClassFixture<InboxApp>
{
    [Fact]
    public async Task The_root_serves_the_page_that_loads_the_app()
    {
        var response = await app.Client().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", html);
    }

    [Theory]
    [InlineData("/inbox-client.js", "text/javascript", "export class InboxClient")]
    [InlineData("/app.js", "text/javascript", "from \"./inbox-client.js\"")]
    [InlineData("/app.css", "text/css", ":root")]
    public async Task The_client_module_and_the_page_assets_are_served(string path, string mediaType, string content)
    {
        var response = await app.Client().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Api_routes_and_probes_answer_as_before_beside_the_static_files()
    {
        var client = app.Client();

        var unknown = await client.GetAsync("/api/does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ready")).StatusCode);
        // A socket still needs a token, whatever is in wwwroot.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/ws")).StatusCode);
    }
}
