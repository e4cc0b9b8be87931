using System.Globalization;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp demo lake</c> (the lake tour) and <c>cdp demo</c> (the pipeline) on temp folders, with machine output.</summary>
public sealed class DemoTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Demo_json_reports_every_step_an_idempotent_rerun_and_a_complete_erasure()
    {
        var lake = _dir.Path("lake");
        var steps = (await CdpCli.RunAsync("demo", "lake", "--lake", lake, "--customers", "200", "--format", "json")).Succeeded().JsonArray();

        var byName = steps.ToDictionary(s => (string)s!["step"]!, s => (string)s!["result"]!);
        Assert.Equal([
            "create customers", "append order batches", "re-run batch 3 (idempotent)", "upsert customer changes",
            "erase customer 7 (GDPR)", "time travel still sees erased rows", "vacuum old file versions", "SQL over the lake",
        ], byName.Keys.ToList());
        Assert.StartsWith("200 rows", byName["create customers"]);
        Assert.StartsWith("skipped", byName["re-run batch 3 (idempotent)"]);
        Assert.Contains("1 customer row", byName["erase customer 7 (GDPR)"]);
        Assert.Contains("latest: 0 rows", byName["time travel still sees erased rows"]);
        Assert.Contains("erasure complete", byName["vacuum old file versions"]);
        Assert.StartsWith("top country", byName["SQL over the lake"]);
        Assert.All(steps, s => Assert.True((double)s!["seconds"]! >= 0));

        // The tables are left for the user to query.
        var count = (await CdpCli.RunAsync("sql", "SELECT count(*) AS n FROM demo.customers WHERE customer_id = 7", "--lake", lake, "--format", "json"))
            .Succeeded().JsonArray();
        Assert.Equal(0, (long)count[0]!["n"]!);

        // A second run starts from empty tables again and ends the same way.
        var again = (await CdpCli.RunAsync("demo", "lake", "--lake", lake, "--customers", "200", "--format", "json")).Succeeded().JsonArray();
        Assert.Equal(steps.Select(s => (string)s!["result"]!).Take(3), again.Select(s => (string)s!["result"]!).Take(3));
    }

    /// <summary>
    /// The pipeline on a copy of the repository's project (cdp.yml, models/, sql/): generate, ingest, build; a
    /// re-run keeps the data, lands nothing twice and rebuilds the same rows.
    /// </summary>
    [Fact]
    public async Task Demo_pipeline_generates_ingests_and_builds_then_reruns_without_duplicates()
    {
        var project = CopyOfRepositoryProject("project");

        var first = (await CdpCli.RunAsync("demo", "--project-dir", project, "--people", "300", "--format", "json")).Succeeded().Json();

        var steps = first["steps"]!.AsArray().ToDictionary(s => (string)s!["step"]!, s => (string)s!["result"]!);
        Assert.Equal(["generate the brand", "ingest the silos", "build staging and identity edges", "resolve identities", "build profiles and traits",
            "train the ML models", "score and segment customers", "evaluate on a holdout", "build audiences", "sync audiences (sandbox)"], steps.Keys.ToList());
        Assert.StartsWith("churn v1 ", steps["train the ML models"], StringComparison.Ordinal);
        Assert.StartsWith("300 people", steps["generate the brand"], StringComparison.Ordinal);
        Assert.Contains("12 sources", steps["ingest the silos"], StringComparison.Ordinal);
        Assert.Contains("0 failed; 0 errors, 0 skipped", steps["build staging and identity edges"], StringComparison.Ordinal);
        Assert.Contains("0 failed; 0 errors, 0 skipped", steps["build profiles and traits"], StringComparison.Ordinal);
        Assert.EndsWith("published", steps["resolve identities"], StringComparison.Ordinal);
        var bronze = (long)first["zones"]!["bronze"]!["rows"]!;
        Assert.Equal(12, (int)first["zones"]!["bronze"]!["tables"]!);
        Assert.True((int)first["zones"]!["silver"]!["tables"]! >= 17, "12 staging tables, the identity edges and the 4 identity tables");
        Assert.True(bronze > 1000, $"bronze holds {bronze} rows");
        var quality = first["quality"]!.AsObject().ToDictionary(q => q.Key, q => (string)q.Value!);
        Assert.Contains("CRM phones in E.164 / unreadable", quality.Keys);

        // Identity against the ground truth, and more buyers reachable after resolution than before.
        var score = quality["identity pairwise precision / recall"].Split(' ');
        Assert.True(double.Parse(score[0], CultureInfo.InvariantCulture) >= 0.99, quality["identity pairwise precision / recall"]);
        Assert.True(double.Parse(score[2], CultureInfo.InvariantCulture) >= 0.9, quality["identity pairwise precision / recall"]);
        foreach (var channel in new[] { "email", "sms", "ads" })
        {
            var reach = quality[$"recent buyers reachable by {channel}: before / after resolution"].Split(" / ").Select(v => int.Parse(v, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList();
            Assert.True(reach[1] > reach[0], $"{channel}: {reach[0]} before, {reach[1]} after");
        }

        var again = (await CdpCli.RunAsync("demo", "--project-dir", project, "--people", "300", "--format", "json")).Succeeded().Json();
        var rerun = again["steps"]!.AsArray().ToDictionary(s => (string)s!["step"]!, s => (string)s!["result"]!);
        Assert.StartsWith("kept demo-data/", rerun["generate the brand"], StringComparison.Ordinal);
        Assert.Contains(", 0 new files", rerun["ingest the silos"], StringComparison.Ordinal);
        Assert.Equal(bronze, (long)again["zones"]!["bronze"]!["rows"]!);
        Assert.Contains("(0 new, ", rerun["resolve identities"], StringComparison.Ordinal);
        Assert.Contains(" 0 merges, 0 splits", rerun["resolve identities"], StringComparison.Ordinal);
        Assert.StartsWith("churn v2 ", rerun["train the ML models"], StringComparison.Ordinal);

        // Staging normalised the identifiers, and analysts reach the models by name.
        var phones = (await CdpCli.RunAsync("sql", "SELECT count(*) AS n FROM stg_crm_customers WHERE phone NOT LIKE '+%'", "--lake", Path.Combine(project, "lake"), "--format", "json"))
            .Succeeded().JsonArray();
        Assert.Equal(0, (long)phones[0]!["n"]!);
        var flags = (await CdpCli.RunAsync("sql",
                "SELECT count(*) FILTER (WHERE email <> lower(trim(email))) AS unnormalised, " +
                "count(*) FILTER (WHERE phone_raw IS NOT NULL AND phone IS NULL AND NOT phone_invalid) AS unflagged, " +
                "count(*) FILTER (WHERE phone_raw = '0000000000' AND NOT phone_invalid) AS placeholders_unflagged, " +
                "count(*) FILTER (WHERE phone_invalid AND phone_raw <> '0000000000') AS real_numbers_unreadable, " +
                "count(*) FILTER (WHERE phone_raw <> phone AND phone IS NOT NULL) AS reformatted " +
                "FROM stg_crm_customers", "--lake", Path.Combine(project, "lake"), "--format", "json"))
            .Succeeded().JsonArray()[0]!;
        Assert.Equal(0, (long)flags["unnormalised"]!);
        Assert.Equal(0, (long)flags["unflagged"]!);
        Assert.True((long)flags["reformatted"]! > 0, "national formats were rewritten to E.164");
        Assert.Equal(0, (long)flags["placeholders_unflagged"]!);
        // The brand's numbers are drawn from ranges each country allocates to mobiles: only placeholders fail.
        Assert.Equal(0, (long)flags["real_numbers_unreadable"]!);
    }

    private string CopyOfRepositoryProject(string name) => DemoProject.CopyTo(_dir.Path(name));
}
