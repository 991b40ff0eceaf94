using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Snapshooter;
using Snapshooter.Xunit;

namespace Inbox.Tests.Infrastructure;

/// <summary>
/// Contract snapshots: the status code, the content type and the JSON body of a response, with volatile values
/// replaced by what they must look like (<c>{uuid}</c>, <c>{instant}</c>, <c>{jwt}</c>…). A value of the wrong
/// format is left as it is and so fails the comparison, which pins formats as well as shapes.
/// </summary>
public static partial class Snap
{
    [GeneratedRegex(@"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidV7();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex Instant();

    [GeneratedRegex(@"^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")]
    private static partial Regex Jwt();

    /// <summary>Snapshot of a whole response. <paramref name="name"/> tells apart several snapshots in one test.</summary>
    public static async Task MatchAsync(HttpResponseMessage response, string? name = null, params string[] scrubFields)
    {
        var body = await response.Content.ReadAsStringAsync();
        var snapshot = new JObject
        {
            ["status"] = (int)response.StatusCode,
            ["contentType"] = response.Content.Headers.ContentType?.MediaType is { } mediaType ? mediaType : JValue.CreateNull(),
            ["body"] = body.Length == 0 ? null : Scrub(Parse(body), scrubFields),
        };
        Match(snapshot, name);
    }

    /// <summary>Snapshot of a JSON document (a WebSocket frame, a webhook body).</summary>
    public static void MatchJson(string json, string? name = null, params string[] scrubFields) =>
        Match(Scrub(Parse(json), scrubFields), name);

    /// <summary>Parses keeping strings as strings: Newtonsoft would otherwise turn ISO instants into dates and reformat them.</summary>
    public static JToken Parse(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }

    static void Match(JToken token, string? name)
    {
        if (name is null) Snapshot.Match(token);
        else Snapshot.Match(token, SnapshotNameExtension.Create(name));
    }

    /// <summary>Replaces volatile values; <paramref name="scrubFields"/> names further fields (tokens, secrets) to blank out by name.</summary>
    public static JToken Scrub(JToken token, params string[] scrubFields)
    {
        switch (token)
        {
            case JObject obj:
                foreach (var property in obj.Properties().ToList())
                {
                    if (scrubFields.Contains(property.Name) && property.Value.Type != JTokenType.Null)
                        property.Value = $"{{{property.Name}}}";
                    else
                        property.Value = Scrub(property.Value, scrubFields);
                }
                return obj;
            case JArray array:
                for (var i = 0; i < array.Count; i++) array[i] = Scrub(array[i], scrubFields);
                return array;
            case JValue { Type: JTokenType.String } text:
                return ScrubString((string)text.Value!);
            default:
                return token;
        }
    }

    static JToken ScrubString(string text) =>
        UuidV7().IsMatch(text) ? "{uuid}" :
        Instant().IsMatch(text) ? "{instant}" :
        Jwt().IsMatch(text) ? "{jwt}" :
        text;
}
