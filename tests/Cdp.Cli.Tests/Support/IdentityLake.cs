using System.Text;
using System.Text.Json.Nodes;

namespace Cdp.Cli.Tests.Support;

/// <summary>One identity edge as the identity_edges model produces it.</summary>
public sealed record Edge(string LeftType, string LeftValue, string RightType, string RightValue, string Rule = "test_rule", string Source = "test", string RecordId = "r")
{
    public static Edge Link(string left, string right, string rule = "test_rule", string source = "test", string record = "r")
    {
        var (lt, lv) = Split(left);
        var (rt, rv) = Split(right);
        return new Edge(lt, lv, rt, rv, rule, source, record);
    }

    private static (string, string) Split(string identifier)
    {
        var colon = identifier.IndexOf(':', StringComparison.Ordinal);
        return (identifier[..colon], identifier[(colon + 1)..]);
    }
}

/// <summary>
/// A project folder with a cdp.yml holding an identity: section, and a lake whose silver/identity_edges table the
/// test writes directly (CSV appended with <c>cdp lake append</c>), so resolution runs without the staging models.
/// </summary>
public sealed class IdentityLake(TempDir dir, string identitySection)
{
    /// <summary>Four types: two limited anchors, a record and a soft identifier; all ratios open, only test@test.com listed.</summary>
    public const string Rules = """
        identity:
          types:
            customer_number: {role: anchor, priority: 100, max_per_person: 2}
            email: {role: anchor, priority: 80, max_per_person: 3}
            order_id: {role: record, priority: 60}
            device: {role: soft, priority: 20}
          blocklist:
            email: [test@test.com]
          max_anchor_links: 10
          health:
            max_cluster_anchors: 50
            max_blocked_edges_per_value: 100
            max_merge_ratio: 1
            max_split_ratio: 1
        """;

    private int _files;

    public string Project { get; } = CreateProject(dir, identitySection);

    public string Lake => Path.Combine(Project, "lake");

    public string EdgesTable => Path.Combine(Lake, "silver", "identity_edges");

    public string Table(string name) => Path.Combine(Lake, "silver", name);

    /// <summary>Appends edges to silver/identity_edges (created on first use).</summary>
    public async Task AppendAsync(IEnumerable<Edge> edges)
    {
        var csv = new StringBuilder("left_type,left_value,right_type,right_value,rule,source,record_id,observed_at\n");
        foreach (var e in edges)
            csv.Append($"{Quote(e.LeftType)},{Quote(e.LeftValue)},{Quote(e.RightType)},{Quote(e.RightValue)},{Quote(e.Rule)},{Quote(e.Source)},{Quote(e.RecordId)},2024-03-01 10:00:00\n");
        var file = Inputs.Text(Path.Combine(Project, "edges", $"edges-{_files++}.csv"), csv.ToString());
        (await CdpCli.RunAsync("lake", "append", EdgesTable, file, "--input-format", "csv")).Succeeded();
    }

    /// <summary>Replaces the whole edge table (records removed upstream).</summary>
    public async Task ReplaceAsync(IEnumerable<Edge> edges)
    {
        Directory.Delete(EdgesTable, recursive: true);
        await AppendAsync(edges);
    }

    public Task<CliResult> RunAsync() => CdpCli.RunAsync("identity", "run", "--project-dir", Project, "--lake", Lake, "--format", "json");

    public Task<CliResult> ExplainAsync(params string[] args)
        => CdpCli.RunAsync(["identity", "explain", .. args, "--project-dir", Project, "--lake", Lake]);

    /// <summary>Rows of a query over the lake, as JSON objects.</summary>
    public async Task<JsonArray> QueryAsync(string sql) => (await CdpCli.RunAsync("sql", sql, "--lake", Lake, "--format", "json")).Succeeded().JsonArray();

    /// <summary>identifier (type:value) → person id, from the published person map.</summary>
    public async Task<Dictionary<string, long>> PersonMapAsync()
        => (await QueryAsync("SELECT identifier_type || ':' || identifier_value AS id, person_id FROM silver.identity_person_map"))
            .ToDictionary(r => (string)r!["id"]!, r => (long)r!["person_id"]!);

    public async Task<long> VersionAsync(string table)
        => (long)(await CdpCli.RunAsync("lake", "describe", Table(table), "--format", "json")).Succeeded().JsonObject()["version"]!;

    private static string CreateProject(TempDir dir, string identitySection)
    {
        var project = dir.Path("project");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "cdp.yml"), "name: identity_test\nlake: ./lake\n" + identitySection + "\n");
        return project;
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
