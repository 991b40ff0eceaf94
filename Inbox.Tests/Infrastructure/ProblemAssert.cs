namespace Inbox.Tests.Infrastructure;

public static class ProblemAssert
{
    /// <summary>Asserts an RFC 9457 answer with <paramref name="status"/>, and that <paramref name="field"/> (if any) is named in <c>errors</c>.</summary>
    public static async Task<JsonObject> IsAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        Assert.NotNull(problem["errors"]);
        Assert.DoesNotContain("   at ", body);
        if (field is not null)
            Assert.True(problem["errors"]!.AsObject().ContainsKey(field), $"errors does not name '{field}': {body}");
        return problem;
    }
}
