using Cdp.Modeling.Compilation;

namespace Cdp.Modeling.Execution;

/// <summary>Where nodes live in the lake: <c>&lt;lake&gt;/&lt;schema&gt;/&lt;alias&gt;</c>; a source table may name its own location.</summary>
public static class LakeLayout
{
    public static string TablePath(Node node)
        => node.SourceTable?.TableLocation is { } location && !IsUri(location) && !Path.IsPathRooted(location)
            ? location.Trim('/')
            : node.Schema + "/" + node.Alias;

    public static string TableUri(string lakeUri, Node node)
        => node.SourceTable?.TableLocation is { } location && (IsUri(location) || Path.IsPathRooted(location))
            ? location
            : lakeUri.TrimEnd('/') + "/" + TablePath(node);

    /// <summary>Whether the node is persisted as a Delta table (tables, incremental models, seeds).</summary>
    public static bool IsTable(Node node)
        => node.Kind == NodeKind.Seed || node.Kind == NodeKind.Model && node.Materialized is Materializations.Table or Materializations.Incremental;

    private static bool IsUri(string s) => s.Contains("://", StringComparison.Ordinal);
}
