using NetArchTest.Rules;

namespace Inbox.Tests.Architecture;

/// <summary>
/// The direction of dependencies (STYLE.md): Features may use Infrastructure, never the reverse; and a slice
/// (a folder <c>Features/Area/Action</c>, one namespace) uses no type of another slice (its Data, endpoint,
/// request or helpers), except for the few reuses listed in <see cref="AllowedSliceReuses"/>, each with why.
/// What several slices share lives at the area level (<c>Features/Tickets/Workflow.cs</c>) or in a folder of its own.
/// </summary>
public sealed class DependencyTests
{
    static readonly System.Reflection.Assembly Service = typeof(Program).Assembly;

    /// <summary>(the namespace that reuses, the slice it reuses): why it is right.</summary>
    static readonly Dictionary<(string User, string Used), string> AllowedSliceReuses = new()
    {
        [("Inbox.Features.Realtime", "Inbox.Features.ReadReceipts.Mark")] =
            "the socket's read frame is POST …/read by another transport (API.md): it must run the very same mark-read, not a copy",
    };

    [Fact]
    public void Infrastructure_never_depends_on_features()
    {
        var result = Types.InAssembly(Service)
            .That().ResideInNamespace("Inbox.Infrastructure")
            .ShouldNot().HaveDependencyOn("Inbox.Features")
            .GetResult();

        Assert.True(result.IsSuccessful, "Infrastructure types that use Features: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    /// <summary>The same rule on the source, so that even an unused <c>using Inbox.Features…</c> fails.</summary>
    [Fact]
    public void No_infrastructure_source_names_features()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Inbox.csproj"))) root = root.Parent;
        Assert.NotNull(root);
        var offending = Directory.EnumerateFiles(Path.Combine(root.FullName, "Infrastructure"), "*.cs", SearchOption.AllDirectories)
            .Where(file => File.ReadAllText(file).Contains("Inbox.Features", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(root.FullName, file))
            .ToList();

        Assert.True(offending.Count == 0, "Infrastructure files that name Inbox.Features: " + string.Join(", ", offending));
    }

    [Fact]
    public void A_slice_never_uses_another_slice()
    {
        var slices = SliceNamespaces();
        Assert.NotEmpty(slices);
        var users = Service.GetTypes().Select(t => t.Namespace).OfType<string>()
            .Where(n => n.StartsWith("Inbox.Features.", StringComparison.Ordinal)).Distinct().ToList();
        var violations = new List<string>();
        foreach (var user in users)
        {
            foreach (var used in slices.Where(s => s != user && !user.StartsWith(s + ".", StringComparison.Ordinal)))
            {
                if (AllowedSliceReuses.ContainsKey((user, used))) continue;
                var result = Types.InAssembly(Service)
                    .That().ResideInNamespaceMatching($"^{System.Text.RegularExpressions.Regex.Escape(user)}$")
                    .ShouldNot().HaveDependencyOn(used)
                    .GetResult();
                if (!result.IsSuccessful)
                    violations.Add($"{user} ({string.Join(", ", result.FailingTypeNames ?? [])}) uses {used}");
            }
        }

        Assert.True(violations.Count == 0, "namespaces that use another slice:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_rule_sees_a_reuse_when_there_is_one()
    {
        // Guards the rule above against passing vacuously: the one allowed reuse is a real dependency.
        foreach (var ((user, used), _) in AllowedSliceReuses)
        {
            var reusing = Types.InAssembly(Service)
                .That().ResideInNamespaceMatching($"^{System.Text.RegularExpressions.Regex.Escape(user)}$")
                .And().HaveDependencyOn(used)
                .GetTypes();
            Assert.True(reusing.Any(), $"{user} no longer uses {used}: drop it from the allow-list");
        }
    }

    /// <summary>Every namespace that holds an endpoint: <c>Inbox.Features.Area.Action</c>.</summary>
    static List<string> SliceNamespaces() =>
        Service.GetTypes()
            .Where(t => t.Name == "Endpoint" && t.Namespace?.StartsWith("Inbox.Features.", StringComparison.Ordinal) == true)
            .Select(t => t.Namespace!)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
}
