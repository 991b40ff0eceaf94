using System.Text;

namespace Inbox.Tests.Features.Malformed;

/// <summary>
/// One malformed request: <see cref="Allowed"/> lists every status that is a correct answer to it (400 unless
/// there is a more precise one), <see cref="Field"/> the name its 400 must carry in <c>errors</c>.
/// </summary>
public sealed record Case(Route Route, string Name, string Method, string PathAndQuery, byte[]? Body, string? ContentType, int[] Allowed, string? Field)
{
    /// <summary>
    /// Kestrel refuses a request target holding a NUL (<c>%00</c> in the path) with a bare 400 before any of the
    /// service's code runs, so that answer cannot be a problem body.
    /// </summary>
    public bool RefusedByKestrel { get; init; }

    /// <summary>Sent on a connection of its own: the server answers before reading the body and closes the connection.</summary>
    public bool OwnConnection { get; init; }

    public override string ToString() => $"{Route.Name} [{Name}]";
}

/// <summary>Generates the malformed variants of each route's valid request.</summary>
public static class Cases
{
    const string Json = "application/json";
    static readonly int[] BadRequest = [400];
    static readonly int[] BadOrUnknown = [400, 404];
    static readonly int[] Unknown = [404];
    const string Raw = "__raw__";

    /// <summary>Raw JSON for a value of each kind that is not one: NULs, lone surrogates, wrong types, out of range.</summary>
    static readonly (string Name, string Json)[] BadText =
    [
        ("NUL inside", "\"a\\u0000b\""), ("NUL alone", "\"\\u0000\""), ("lone high surrogate", "\"\\ud800\""), ("lone low surrogate", "\"x\\udc00\""),
        ("reversed surrogate pair", "\"\\udc00\\ud800\""), ("high surrogate then text", "\"\\ud800x\""),
        ("huge", "\"" + new string('x', 300_000) + "\""),
        ("number", "1"), ("huge number", "1e400"), ("true", "true"), ("array", "[]"), ("object", "{}"), ("array of string", "[\"a\"]"), ("object with string", "{\"a\":\"b\"}"),
    ];

    /// <summary>For a field that takes one of a few words (a status, a role): words it does not take.</summary>
    static readonly (string Name, string Json)[] BadChoice =
    [
        ("unknown word", "\"bogus\""), ("empty", "\"\""), ("blank", "\" \""), ("upper case", "\"OPEN\""), ("word with NUL", "\"open\\u0000\""),
    ];

    static readonly (string Name, string Json)[] BadUuid =
    [
        ("not a uuid", "\"not-a-uuid\""), ("empty", "\"\""), ("NUL", "\"\\u0000\""), ("uuid with NUL", "\"00000000-0000-0000-0000-00000000000\\u0000\""),
        ("uuid with lone surrogate", "\"0190b7a8-0000-7000-8000-000000000000\\ud800\""), ("braced", "\"{0190b7a8-0000-7000-8000-000000000000\""),
        ("number", "123"), ("huge number", "1e400"), ("true", "true"), ("array", "[]"), ("object", "{}"),
    ];

    static readonly (string Name, string Json)[] UnknownUuid =
    [
        ("unknown uuid", $"\"{Guid.NewGuid()}\""), ("empty uuid", "\"00000000-0000-0000-0000-000000000000\""),
    ];

    static readonly (string Name, string Json)[] BadBool =
    [
        ("string true", "\"true\""), ("one", "1"), ("zero", "0"), ("2^63", "9223372036854775808"), ("huge number", "1e400"),
        ("array", "[]"), ("object", "{}"), ("NUL string", "\"\\u0000\""),
    ];

    static readonly (string Name, string Json)[] BadInstant =
    [
        ("year -9999", "\"-9999-01-01T00:00:00Z\""), ("year 0", "\"0000-01-01T00:00:00Z\""), ("year -1", "\"-0001-01-01T00:00:00Z\""),
        ("year 294277", "\"294277-01-01T00:00:00Z\""), ("year +10000", "\"+10000-01-01T00:00:00Z\""),
        ("past 9999 by an offset", "\"9999-12-31T23:59:59-18:00\""), ("before year 1 by an offset", "\"0001-01-01T00:00:00+18:00\""),
        ("February 30", "\"2026-02-30T00:00:00Z\""), ("hour 25", "\"2026-11-24T25:00:00Z\""), ("words", "\"tomorrow\""), ("empty", "\"\""),
        ("NUL", "\"\\u0000\""), ("NUL inside", "\"2026-11-24T00:00:00\\u0000Z\""), ("lone surrogate", "\"2026-11-24T00:00:00Z\\ud800\""),
        ("huge number", "1e30"), ("unix seconds", "1700000000"), ("true", "true"), ("array", "[]"), ("object", "{}"),
    ];

    static readonly (string Name, string Json)[] BadObject =
    [
        ("array", "[]"), ("string", "\"x\""), ("number", "1"), ("true", "true"), ("empty object", "{}"), ("NUL string", "\"\\u0000\""),
        ("object with wrong types", "{\"name\":{\"x\":1},\"email\":[]}"), ("object with NUL", "{\"name\":\"\\u0000\"}"),
    ];

    static readonly (string Name, string Json)[] BadTextList =
    [
        ("string", "\"ticket.overdue\""), ("object", "{}"), ("number item", "[1]"), ("null item", "[null]"), ("array item", "[[]]"), ("object item", "[{}]"),
        ("NUL item", "[\"\\u0000\"]"), ("lone surrogate item", "[\"\\ud800\"]"), ("empty", "[]"),
        ("a thousand items", "[" + string.Join(',', Enumerable.Repeat("\"ticket.overdue\"", 1000)) + "]"),
    ];

    static readonly (string Name, string Json)[] BadUuidList =
    [
        ("string", "\"x\""), ("object", "{}"), ("number item", "[1]"), ("null item", "[null]"), ("bad uuid item", "[\"nope\"]"), ("NUL item", "[\"\\u0000\"]"),
        ("lone surrogate item", "[\"\\ud800\"]"), ("array item", "[[]]"),
        ("a thousand items", "[" + string.Join(',', Enumerable.Range(0, 1000).Select(_ => $"\"{Guid.NewGuid()}\"")) + "]"),
    ];

    /// <summary>Percent-encoded query values that are not text: NULs, lone surrogates, invalid and overlong UTF-8.</summary>
    static readonly (string Name, string Value)[] BadQueryText =
    [
        ("%00", "%00"), ("NUL inside", "a%00b"), ("encoded lone high surrogate", "%ED%A0%80"), ("encoded lone low surrogate", "x%ED%B0%80"),
        ("overlong NUL", "%C0%80"), ("invalid UTF-8", "%FF%FE"),
    ];

    static readonly string[] BadLimit = ["", "abc", "1e30", "-1", "0", "101", "9223372036854775808", "2147483648", "-2147483649", "1.5", "0x10", "%D9%A5", "NaN"];
    static readonly string[] BadQueryUuid = ["", "not-a-uuid", "123", "0190b7a8-0000-7000-8000-00000000000g", "0190b7a8-0000-7000-8000-000000000000x"];
    static readonly string[] BadQueryBool = ["", "maybe", "2", "yes"];
    static readonly string[] BadQueryInstant =
    [
        "-9999-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "294277-01-01T00:00:00Z", "%2B10000-01-01T00:00:00Z", "9999-12-31T23:59:59-18:00",
        "0001-01-01T00:00:00%2B18:00", "2026-02-30T00:00:00Z", "tomorrow", "", "1e30",
    ];

    public static string Cursor(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static string Id => Guid.NewGuid().ToString("N");

    /// <summary>Cursors no list ever hands out: garbage, and well-formed ones whose key is out of range or of another kind.</summary>
    static IEnumerable<(string Name, string Value, int[]? Allowed)> BadCursors(ParamKind kind) =>
        RawBadCursors(kind).Select(c => (c.Name, c.Value, kind == ParamKind.RankCursor && c.FiniteRank ? new[] { 200, 400 } : null));

    /// <summary>(A huge but finite, non-negative number is a rank a search could in principle hand out.)</summary>
    static IEnumerable<(string Name, string Value, bool FiniteRank)> RawBadCursors(ParamKind kind) =>
        UncheckedBadCursors(kind).Select(c => (c.Name, c.Value, c.Name is "long.MaxValue" or "beyond year 9999" or "beyond long"));

    static IEnumerable<(string Name, string Value)> UncheckedBadCursors(ParamKind kind)
    {
        yield return ("garbage", "garbage!");
        yield return ("empty", "");
        yield return ("plain text base64", Cursor("not a cursor"));
        yield return ("bad uuid", Cursor("123|not-a-guid"));
        yield return ("no key", Cursor($"|{Id}"));
        yield return ("too long", new string('A', 300));
        yield return ("invalid UTF-8 inside", Convert.ToBase64String([0xff, 0xfe, 0x7c, 0x41]).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        yield return ("long.MaxValue", Cursor($"9223372036854775807|{Id}"));
        yield return ("long.MinValue", Cursor($"-9223372036854775808|{Id}"));
        yield return ("beyond year 9999", Cursor($"{Instant.MaxValue.ToUnixTimeTicks() + 1}|{Id}"));
        yield return ("before year 1", Cursor($"-700000000000000000|{Id}"));
        yield return ("beyond long", Cursor($"99999999999999999999999|{Id}"));
        yield return ("double overflow", Cursor($"1e400|{Id}"));
        yield return ("NaN", Cursor($"NaN|{Id}"));
        yield return ("Infinity", Cursor($"Infinity|{Id}"));
        yield return ("NUL key", Cursor($"\0|{Id}"));
        yield return ("NUL in key", Cursor($"12\u00003|{Id}"));
        if (kind != ParamKind.RankCursor) yield return ("a rank", Cursor($"0.0607927106320858|{Id}"));
    }

    public static IEnumerable<Case> For(Route route, IReadOnlyDictionary<string, string> placeholders)
    {
        var path = Fill(route.Template, placeholders);
        var validQuery = QueryString(route.Query);
        foreach (var c in RouteValueCases(route, placeholders, validQuery)) yield return c;
        foreach (var c in QueryCases(route, path, placeholders)) yield return c;
        if (route.Body is not null)
            foreach (var c in BodyCases(route, path + validQuery, placeholders)) yield return c;
    }

    static IEnumerable<Case> RouteValueCases(Route route, IReadOnlyDictionary<string, string> placeholders, string query)
    {
        var segments = route.Template.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (!segments[i].StartsWith('{')) continue;
            var values = new (string Name, string Value, int[] Allowed)[]
            {
                ("not a uuid", "not-a-uuid", BadOrUnknown), ("%00", "%00", BadOrUnknown), ("NUL inside", "a%00b", BadOrUnknown),
                ("uuid then NUL", $"{Guid.NewGuid()}%00", BadOrUnknown), ("encoded lone surrogate", "%ED%A0%80", BadOrUnknown),
                ("invalid UTF-8", "%FF", BadOrUnknown), ("number", "1", BadOrUnknown), ("space", "%20", BadOrUnknown),
                ("huge", new string('a', 3000), BadOrUnknown), ("unknown uuid", Guid.NewGuid().ToString(), Unknown),
                ("empty uuid", Guid.Empty.ToString(), Unknown),
            };
            foreach (var (name, value, allowed) in values)
            {
                var copy = (string[])segments.Clone();
                copy[i] = value;
                var path = Fill(string.Join('/', copy), placeholders) + query;
                var body = route.Body is null ? null : Encoding.UTF8.GetBytes(route.Body(placeholders).ToJsonString());
                yield return new Case(route, $"route {segments[i]} {name}", route.Method, path, body, body is null ? null : Json, allowed, null)
                {
                    RefusedByKestrel = value.Contains("%00"),
                };
            }
        }
    }

    static IEnumerable<Case> QueryCases(Route route, string path, IReadOnlyDictionary<string, string> placeholders)
    {
        Case GetCase(Route route, string name, string pathAndQuery, string? field, int[]? allowed = null)
        {
            // A body route's query cases carry a valid body, so only the query can be at fault.
            var body = route.Body is null ? null : Encoding.UTF8.GetBytes(route.Body(placeholders).ToJsonString());
            return new Case(route, name, route.Method, pathAndQuery, body, body is null ? null : Json, allowed ?? BadRequest, field);
        }

        // Any route: a NUL or broken UTF-8 in a parameter it does not even read, or in a parameter's name.
        foreach (var (name, value) in BadQueryText)
            yield return GetCase(route, $"unknown parameter {name}", path + QueryString(route.Query, ("unknownParam", value)), "unknownParam");
        yield return GetCase(route, "NUL in a parameter name", path + QueryString(route.Query, ("a%00b", "1")), null);
        yield return GetCase(route, "broken UTF-8 in a parameter name", path + QueryString(route.Query, ("%ED%A0%80", "1")), null);

        foreach (var param in route.Params)
        {
            var values = new List<(string Name, string Value, int[] Allowed)>();
            values.AddRange(BadQueryText.Select(v => (v.Name, v.Value, BadRequest)));
            switch (param.Kind)
            {
                case ParamKind.Limit: values.AddRange(BadLimit.Select(v => ($"'{v}'", v, BadRequest))); break;
                case ParamKind.Uuid:
                    values.AddRange(BadQueryUuid.Select(v => ($"'{v}'", v, v == "" && param.EmptyIsAbsent ? [route.ValidStatus, 400] : BadRequest)));
                    values.Add(("unknown uuid", Guid.NewGuid().ToString(), [route.ValidStatus, 400, 404]));
                    break;
                case ParamKind.Bool: values.AddRange(BadQueryBool.Select(v => ($"'{v}'", v, v == "" && param.EmptyIsAbsent ? [route.ValidStatus, 400] : BadRequest))); break;
                case ParamKind.Instant: values.AddRange(BadQueryInstant.Select(v => ($"'{v}'", v, BadRequest))); break;
                case ParamKind.Text:
                    values.Add(("empty", "", BadRequest));
                    values.Add(("huge", new string('x', 4000), BadRequest));
                    break;
                default: values.AddRange(BadCursors(param.Kind).Select(v => (v.Name, Uri.EscapeDataString(v.Value), v.Allowed ?? BadRequest))); break;
            }
            foreach (var (name, value, allowed) in values)
                yield return GetCase(route, $"?{param.Name} {name}", path + QueryString(route.Query, (param.Name, value)), param.Name, allowed);

            // The same parameter twice: a list where one value is expected.
            var repeated = path + QueryString(route.Query, (param.Name, ValidSample(param.Kind))) + $"&{param.Name}={ValidSample(param.Kind)}";
            yield return GetCase(route, $"?{param.Name} twice", repeated, param.Name, param.Kind == ParamKind.Text ? [route.ValidStatus, 400] : BadRequest);
        }
    }

    static string ValidSample(ParamKind kind) => kind switch
    {
        ParamKind.Limit => "5",
        ParamKind.Uuid => Guid.NewGuid().ToString(),
        ParamKind.Bool => "true",
        ParamKind.Instant => "2020-01-01T00:00:00Z",
        ParamKind.InstantCursor => Uri.EscapeDataString(Cursor($"{Instant.FromUtc(2026, 1, 1, 0, 0).ToUnixTimeTicks()}|{Id}")),
        ParamKind.LongCursor => Uri.EscapeDataString(Cursor($"5|{Id}")),
        ParamKind.RankCursor => Uri.EscapeDataString(Cursor($"0.5|{Id}")),
        _ => "open",
    };

    static IEnumerable<Case> BodyCases(Route route, string pathAndQuery, IReadOnlyDictionary<string, string> placeholders)
    {
        int[] emptyAllowed = route.EmptyBodyIsValid ? [route.ValidStatus, 400] : BadRequest;
        Case Whole(string name, byte[] body, int[] allowed, string? field = null, string contentType = Json) =>
            new(route, $"body {name}", route.Method, pathAndQuery, body, contentType, allowed, field);
        byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        // The body as a whole.
        yield return Whole("array", Utf8("[]"), BadRequest, "body");
        yield return Whole("string", Utf8("\"x\""), BadRequest, "body");
        yield return Whole("number", Utf8("42"), BadRequest, "body");
        yield return Whole("huge number", Utf8("1e400"), BadRequest, "body");
        yield return Whole("true", Utf8("true"), BadRequest, "body");
        yield return Whole("null", Utf8("null"), BadRequest);
        yield return Whole("NUL string", Utf8("\"\\u0000\""), BadRequest, "body");
        yield return Whole("truncated", Utf8("{\"a\":"), BadRequest);
        yield return Whole("not JSON", Utf8("hello"), BadRequest);
        yield return Whole("empty", [], emptyAllowed);
        yield return Whole("empty object", Utf8("{}"), emptyAllowed);
        yield return Whole("deeply nested", Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)), BadRequest);
        yield return Whole("raw NUL byte", Utf8("{\"a\":\"\0\"}"), BadRequest);
        yield return Whole("invalid UTF-8", [.. Utf8("{\"a\":\""), 0xff, 0xfe, .. Utf8("\"}")], BadRequest);
        yield return Whole("encoded lone surrogate (CESU)", [.. Utf8("{\"a\":\""), 0xed, 0xa0, 0x80, .. Utf8("\"}")], BadRequest);
        yield return Whole("over 1 MiB", Utf8("{\"a\":\"" + new string('x', 1_100_000) + "\"}"), [413]) with { OwnConnection = true };
        // Every route with a body takes JSON only, those whose fields are all optional included.
        yield return Whole("as text/plain", Utf8(route.Body!(placeholders).ToJsonString()), [415], contentType: "text/plain") with { OwnConnection = true };

        if (route.Fields.Length > 0)
        {
            // The first field twice, a junk value last, so a parser where the last one wins would not see the valid value.
            var valid = route.Body!(placeholders).ToJsonString();
            var first = route.Fields[0].Path;
            yield return Whole($"{first} twice", Utf8("{\"" + first + "\":\"junk\"," + valid[1..]), BadRequest, first);
            if (!first.Contains('.'))
                yield return Whole($"{first} invalid UTF-8", [.. Utf8("{\"" + first + "\":\""), 0xc3, 0x28, .. Utf8("\"," + valid[1..])], BadRequest);
        }

        foreach (var field in route.Fields)
        {
            var bad = field.Kind switch
            {
                FieldKind.Text => BadText.Select(v => (v.Name, v.Json, BadRequest)),
                FieldKind.Choice => BadText.Concat(BadChoice).Select(v => (v.Name, v.Json, BadRequest)),
                FieldKind.Uuid => BadUuid.Select(v => (v.Name, v.Json, BadRequest)).Concat(UnknownUuid.Select(v => (v.Name, v.Json, BadOrUnknown))),
                FieldKind.Bool => BadBool.Select(v => (v.Name, v.Json, BadRequest)),
                FieldKind.Instant => BadInstant.Select(v => (v.Name, v.Json, BadRequest)),
                FieldKind.Object => BadObject.Select(v => (v.Name, v.Json, BadRequest)),
                FieldKind.TextList => BadTextList.Select(v => (v.Name, v.Json, BadRequest)),
                _ => BadUuidList.Select(v => (v.Name, v.Json, BadRequest)),
            };
            int[] nullAllowed = field.Nullable ? [route.ValidStatus, .. route.ValidAlso is { } also ? new[] { also } : [], 400] : BadRequest;
            foreach (var (name, json, allowed) in bad.Append(("null", "null", nullAllowed)))
            {
                var body = route.Body!(placeholders);
                Set(body, field.Path, JsonValue.Create(Raw));
                var text = body.ToJsonString().Replace($"\"{Raw}\"", json);
                // An unknown id may also be simply accepted where the field is a filter; never where it names a row to link.
                yield return new Case(route, $"{field.Path} {name}", route.Method, pathAndQuery, Utf8(text), Json, allowed, field.Path);
            }
        }
    }

    static void Set(JsonObject body, string path, JsonNode value)
    {
        var parts = path.Split('.');
        var node = body;
        foreach (var part in parts[..^1]) node = node[part]!.AsObject();
        node[parts[^1]] = value;
    }

    public static string Fill(string text, IReadOnlyDictionary<string, string> placeholders) =>
        placeholders.Aggregate(text, (current, p) => current.Replace(p.Key, p.Value));

    /// <summary>The route's valid query with <paramref name="replace"/> put in (values already percent-encoded).</summary>
    static string QueryString(IReadOnlyDictionary<string, string> valid, params (string Name, string Value)[] replace)
    {
        var pairs = valid.Where(p => replace.All(r => r.Name != p.Key)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")
            .Concat(replace.Select(r => $"{r.Name}={r.Value}")).ToList();
        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
    }

    public static string ValidQuery(Route route) => QueryString(route.Query);
}
