using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Cdp.Cli.Tests.Support;

/// <summary>
/// A project for sync tests: the demo's cdp.yml with its destinations: section replaced, over a lake holding a copy
/// of the demo lake's audience tables only (small), where the sync writes its ledger.
/// </summary>
public sealed class SyncLake
{
    private SyncLake(string project, string lake)
    {
        Project = project;
        Lake = lake;
    }

    public string Project { get; }

    public string Lake { get; }

    public string LedgerLog => Path.Combine(Lake, "gold", "sync_ledger", "_delta_log");

    /// <summary>Commits in the ledger (0 when it does not exist).</summary>
    public int LedgerCommits => Directory.Exists(LedgerLog) ? Directory.GetFiles(LedgerLog, "*.json").Length : 0;

    public static SyncLake Create(string folder, Demo2000Lake demo, string destinations)
    {
        var project = Path.Combine(folder, "project");
        var lake = Path.Combine(folder, "lake");
        WriteProject(project, demo.Project, destinations);
        foreach (var table in new[] { "audience_members", "audience_summary" })
            DemoProject.CopyFolder(Path.Combine(demo.Lake, "gold", table), Path.Combine(lake, "gold", table));
        return new SyncLake(project, lake);
    }

    /// <summary>Writes <paramref name="folder"/>/cdp.yml: the demo project's with <paramref name="destinations"/> instead of its destinations: section.</summary>
    public static string WriteProject(string folder, string demoProject, string destinations)
    {
        Directory.CreateDirectory(folder);
        var text = File.ReadAllText(Path.Combine(demoProject, "cdp.yml"));
        var cut = text.IndexOf("\ndestinations:", StringComparison.Ordinal);
        Assert.True(cut > 0, "the demo's cdp.yml has a destinations: section");
        File.WriteAllText(Path.Combine(folder, "cdp.yml"), text[..(cut + 1)] + destinations);
        return folder;
    }

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>An environment variable name no other test uses.</summary>
    public static string NewVariable() => "CDP_TEST_HOOK_" + Guid.NewGuid().ToString("N").ToUpperInvariant();

    /// <summary>gold.audience_members as the sync reads it: audience, person, email, consent per channel, holdout (one query).</summary>
    public static async Task<Membership> MembershipAsync(string lake)
        => new(await SqlAsync(lake, """
            SELECT audience, person_id, CAST(email AS VARCHAR) AS email, contactable_email AS email_ok, contactable_sms AS sms_ok, contactable_ads AS ads_ok, holdout
            FROM gold.audience_members
            """));

    /// <summary>The members a destination of <paramref name="channel"/> should hold: person id to email (consent true, holdout false).</summary>
    public static async Task<Dictionary<long, string?>> IntendedAsync(string lake, string audience, string channel)
        => (await MembershipAsync(lake)).Intended(audience, channel);

    public static async Task<JsonArray> SqlAsync(string lake, string query)
        => (await CdpCli.RunAsync("sql", query, "--lake", lake, "--format", "json")).Succeeded().JsonArray();
}

/// <summary>The membership rows, and what each (audience, channel) should send and leave out.</summary>
public sealed class Membership(JsonArray rows)
{
    private IEnumerable<JsonNode> Of(string audience) => rows.Select(r => r!).Where(r => (string)r["audience"]! == audience);

    // Consent is true for a channel-less export; NULL consent or holdout never counts as yes.
    private static bool Consent(JsonNode r, string channel) => channel == "none" || (bool?)r[channel + "_ok"] == true;

    private static bool Held(JsonNode r) => (bool?)r["holdout"] != false;

    public Dictionary<long, string?> Intended(string audience, string channel)
        => Of(audience).Where(r => Consent(r, channel) && !Held(r)).ToDictionary(r => (long)r["person_id"]!, r => (string?)r["email"]);

    /// <summary>The emails of the members a destination of <paramref name="channel"/> must never receive (no consent, or a holdout).</summary>
    public IEnumerable<string> ExcludedEmails(string audience, string channel)
        => Of(audience).Where(r => !Consent(r, channel) || Held(r)).Select(r => (string?)r["email"]).OfType<string>();

    /// <summary>Members without the channel's consent (outside holdouts), and members in a holdout.</summary>
    public (long NoConsent, long Holdout) Exclusions(string audience, string channel)
        => (Of(audience).LongCount(r => !Held(r) && !Consent(r, channel)), Of(audience).LongCount(Held));
}
