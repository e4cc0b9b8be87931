using System.Globalization;
using System.Text.RegularExpressions;
using Cdp.Modeling.Compilation;
using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Graph;

/// <summary>
/// dbt's node selection syntax. Space-separated criteria are a union, comma-joined ones an intersection. A criterion is
/// <c>[N]+</c> (ancestors), a method (<c>tag:x</c>, <c>path:models/identity</c>, <c>source:raw.orders</c>,
/// <c>resource_type:seed</c>, <c>config.materialized:table</c>, or a name with <c>*</c> wildcards), then <c>+[N]</c>
/// (descendants). <c>@x</c> selects x, its descendants and all their ancestors.
/// </summary>
public static partial class Selector
{
    /// <summary>Applies <paramref name="select"/> (all nodes when empty) minus <paramref name="exclude"/>.</summary>
    public static IReadOnlySet<string> Select(NodeGraph graph, IReadOnlyList<string> select, IReadOnlyList<string> exclude)
    {
        var selected = select.Count == 0
            ? graph.Nodes.Select(n => n.UniqueId).ToHashSet(StringComparer.Ordinal)
            : Union(graph, select);
        if (exclude.Count > 0) selected.ExceptWith(Union(graph, exclude));
        return selected;
    }

    private static HashSet<string> Union(NodeGraph graph, IReadOnlyList<string> expressions)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var expression in expressions.SelectMany(e => e.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            HashSet<string>? intersection = null;
            foreach (var part in expression.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var matched = Criterion(graph, part);
                if (intersection is null) intersection = matched;
                else intersection.IntersectWith(matched);
            }
            if (intersection is not null) result.UnionWith(intersection);
        }
        return result;
    }

    private static HashSet<string> Criterion(NodeGraph graph, string text)
    {
        var match = CriterionPattern().Match(text);
        if (!match.Success) throw new ModelingException($"Invalid selector '{text}'.");
        var at = match.Groups["at"].Success;
        var up = match.Groups["up"].Success;
        int? upDepth = match.Groups["updepth"].Length > 0 ? int.Parse(match.Groups["updepth"].Value, CultureInfo.InvariantCulture) : null;
        var down = match.Groups["down"].Success;
        int? downDepth = match.Groups["downdepth"].Length > 0 ? int.Parse(match.Groups["downdepth"].Value, CultureInfo.InvariantCulture) : null;
        var body = match.Groups["body"].Value;

        var roots = graph.Nodes.Where(n => Matches(n, body)).Select(n => n.UniqueId).ToList();
        var result = roots.ToHashSet(StringComparer.Ordinal);
        foreach (var id in roots)
        {
            if (up) result.UnionWith(graph.Reachable(id, downstream: false, upDepth));
            if (down || at) result.UnionWith(graph.Reachable(id, downstream: true, downDepth));
        }
        if (at)
        {
            foreach (var id in result.ToList()) result.UnionWith(graph.Reachable(id, downstream: false));
        }
        return result;
    }

    private static bool Matches(Node node, string body)
    {
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            // A bare word is a name, or a path when it holds a '/'.
            return body.Contains('/', StringComparison.Ordinal) ? PathMatches(node, body) : Glob(body).IsMatch(node.Name) && node.Kind != NodeKind.Source;
        }
        var method = body[..colon];
        var value = body[(colon + 1)..];
        return method switch
        {
            "tag" => node.Tags.Any(t => Glob(value).IsMatch(t)),
            "path" => PathMatches(node, value),
            "resource_type" => string.Equals(node.Kind.ToString(), value, StringComparison.OrdinalIgnoreCase),
            "source" => node.Kind == NodeKind.Source && SourceMatches(node, value),
            "test_name" => node.Test is { } t && Glob(value).IsMatch(t.TestName),
            "config.materialized" => string.Equals(node.Materialized, value, StringComparison.OrdinalIgnoreCase),
            _ when method.StartsWith("config.", StringComparison.Ordinal) =>
                node.Config.TryGetValue(method["config.".Length..], out var v) && string.Equals(Convert.ToString(v, CultureInfo.InvariantCulture), value, StringComparison.OrdinalIgnoreCase),
            _ => throw new ModelingException($"Unknown selector method '{method}' in '{body}'; use tag:, path:, source:, resource_type:, test_name: or config.<key>:."),
        };
    }

    private static bool PathMatches(Node node, string value)
    {
        if (node.Path is null) return false;
        var prefix = value.TrimEnd('/');
        if (prefix.Contains('*', StringComparison.Ordinal)) return Glob(prefix).IsMatch(node.Path);
        return node.Path == prefix || node.Path.StartsWith(prefix + "/", StringComparison.Ordinal);
    }

    private static bool SourceMatches(Node node, string value)
    {
        // source:raw selects every table of source raw; source:raw.orders one table.
        var dot = node.Name.IndexOf('.', StringComparison.Ordinal);
        var sourceName = dot < 0 ? node.Name : node.Name[..dot];
        return value.Contains('.', StringComparison.Ordinal) ? Glob(value).IsMatch(node.Name) : Glob(value).IsMatch(sourceName);
    }

    private static Regex Glob(string pattern)
        => new("^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);

    [GeneratedRegex(@"^(?<at>@)?(?:(?<updepth>\d*)(?<up>\+))?(?<body>[^+@]+?)(?:(?<down>\+)(?<downdepth>\d*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex CriterionPattern();
}
