using NetArchTest.Rules;

namespace Inbox.Tests.Architecture;

/// <summary>
/// The direction of dependencies (STYLE.md): Features may use Infrastructure, never the reverse; and a slice
/// (a folder <c>Features/Area/Action</c>) never calls another slice's <c>Data</c> or endpoint, except for the
/// few reuses listed in <see cref="AllowedSliceReuses"/>, each with why.
/// </summary>
public sealed class DependencyTests
{
    static readonly System.Reflection.Assembly Service = typeof(Program).Assembly;

    /// <summary>(the slice that reuses, the slice type it reuses): why it is right.</summary>
    static readonly Dictionary<(string User, string Used), string> AllowedSliceReuses = new()
    {
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

    [Fact]
    public void A_slice_never_uses_another_slices_data_or_endpoint()
    {
        var slices = SliceNamespaces();
        Assert.NotEmpty(slices);
        var violations = new List<string>();
        foreach (var slice in slices)
        {
            foreach (var other in slices.Where(s => s != slice))
            {
                foreach (var used in new[] { $"{other}.Data", $"{other}.Endpoint" })
                {
                    if (AllowedSliceReuses.ContainsKey((slice, used))) continue;
                    var result = Types.InAssembly(Service)
                        .That().ResideInNamespace(slice)
                        .ShouldNot().HaveDependencyOn(used)
                        .GetResult();
                    if (!result.IsSuccessful)
                        violations.Add($"{string.Join(", ", result.FailingTypeNames ?? [])} uses {used}");
                }
            }
        }

        Assert.True(violations.Count == 0, "slices that use another slice's Data or Endpoint:\n" + string.Join("\n", violations));
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
