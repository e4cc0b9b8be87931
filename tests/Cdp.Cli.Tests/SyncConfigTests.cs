using Cdp.Activation.Configuration;
using Cdp.Activation.Destinations;
using Cdp.Cli.Sync;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>The destinations: section of cdp.yml: the shipped one, and each kind of mistake with its YAML path. No lake is needed.</summary>
public sealed class SyncConfigTests : IDisposable
{
    private const string Audiences = """
        name: sync_config
        audiences:
          definitions:
            newsletter:
              channels: [email]
              fields: [email]
              where: {column: email, op: is not null}
            receipts:
              fields: [loyalty_cards]
              where: {column: store_purchase_count, op: '>=', value: 1}
            lookalike:
              channels: [ads]
              where: {column: revenue, op: '>', value: 100}

        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Project(string destinations)
    {
        var folder = _dir.Path(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "cdp.yml"), Audiences + "destinations:\n" + destinations);
        return folder;
    }

    [Theory]
    [InlineData("pigeon: {type: carrier_pigeon, audiences: [newsletter]}",
        "cdp.yml: destinations.pigeon.type: 'carrier_pigeon' is not a destination type (use webhook, file_drop, meta, google_data_manager, mailchimp)")]
    [InlineData("hook: {type: webhook, audiences: [newsletter, nobody], url: 'https://crm.example/h', secret_env: HOOK_SECRET}",
        "cdp.yml: destinations.hook.audiences[1]: no audience 'nobody' in audiences.definitions (defined: lookalike, newsletter, receipts)")]
    [InlineData("hook: {type: webhook, audiences: [newsletter], url: 'https://crm.example/h', secret_env: HOOK_SECRET, channel: sms}",
        "cdp.yml: destinations.hook.audiences[0]: audience 'newsletter' has channels email, but destination 'hook' sends by sms")]
    [InlineData("ads: {type: meta, audiences: [receipts], ad_account_id: act_42, api_version: v23.0, token_env: META_TOKEN}",
        "cdp.yml: destinations.ads.audiences[0]: audience 'receipts' has no channels, but destination 'ads' sends by ads")]
    [InlineData("hook: {type: webhook, audiences: [newsletter], secret_env: HOOK_SECRET}",
        "cdp.yml: destinations.hook.url: missing")]
    [InlineData("tills: {type: file_drop, audiences: [receipts], path: drops}",
        "cdp.yml: destinations.tills.channel: missing")]
    [InlineData("g: {type: google_data_manager, audiences: [newsletter], operating_account_id: '123-456', token_env: G}",
        "cdp.yml: destinations.g.product_destination_id: missing")]
    [InlineData("mc: {type: mailchimp, audiences: [newsletter], list_id: abc123, api_key_env: MC_KEY, limits: {batch_size: 1000}}",
        "cdp.yml: destinations.mc.limits.batch_size: '1000' is not a whole number from 1 to 500")]
    [InlineData("hook: {type: webhook, audiences: [newsletter], url: 'https://crm.example/h', secret_env: HOOK_SECRET, retries: 3}",
        "cdp.yml: destinations.hook.retries: unknown key for a webhook destination")]
    [InlineData("tills: {type: file_drop, audiences: [receipts], path: 'ftp://host/drops', channel: none}",
        "cdp.yml: destinations.tills.path: the scheme 'ftp' is not a storage location")]
    public async Task A_config_error_names_its_yaml_path_and_nothing_runs(string destination, string expected)
    {
        var r = (await CdpCli.RunAsync("sync", "--project-dir", Project("  " + destination + "\n"))).Failed(ExitCodes.Failure);
        Assert.Contains(expected, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_error_is_reported_at_once()
    {
        var r = (await CdpCli.RunAsync("sync", "--dry-run", "--project-dir", Project("""
              hook: {type: webhook, audiences: [nobody], url: 'ftp://x'}
              m: {type: mailchimp, audiences: [receipts], list_id: 'a b', api_key_env: K}
            """))).Failed(ExitCodes.Failure);
        foreach (var path in new[] { "destinations.hook.audiences[0]", "destinations.hook.url", "destinations.hook.secret_env", "destinations.m.audiences[0]", "destinations.m.list_id" })
            Assert.Contains($"cdp.yml: {path}: ", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_pasted_where_its_variable_name_belongs_is_refused_and_never_echoed()
    {
        const string secret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=";
        var r = (await CdpCli.RunAsync("sync", "--project-dir", Project($"  hook: {{type: webhook, audiences: [newsletter], url: 'https://crm.example/h', secret_env: '{secret}'}}\n")))
            .Failed(ExitCodes.Failure);
        Assert.Contains("cdp.yml: destinations.hook.secret_env: expected the name of an environment variable", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_destinations_and_audiences_are_errors_listing_the_configured_ones()
    {
        var project = Project("""
              hook: {type: webhook, audiences: [newsletter], url: 'https://crm.example/h', secret_env: HOOK_SECRET}
              tills: {type: file_drop, audiences: [receipts], path: drops, channel: none}
            """);
        var unknown = (await CdpCli.RunAsync("sync", "hook", "nope", "--project-dir", project)).Failed(ExitCodes.Failure);
        Assert.Contains("no destination 'nope' in cdp.yml; the destinations are: hook, tills", unknown.Stderr, StringComparison.Ordinal);
        var audience = (await CdpCli.RunAsync("sync", "--audience", "vip", "--project-dir", project)).Failed(ExitCodes.Failure);
        Assert.Contains("no audience 'vip' in cdp.yml; the audiences are: newsletter, receipts, lookalike", audience.Stderr, StringComparison.Ordinal);
        var unrelated = (await CdpCli.RunAsync("sync", "hook", "--audience", "receipts", "--project-dir", project)).Failed(ExitCodes.Failure);
        Assert.Contains("none of the chosen destinations receives receipts", unrelated.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_shipped_destination_builds_its_connector_and_a_missing_secret_names_the_variable()
    {
        var shipped = SyncProject.Load(Cdp.Testing.RepositoryPaths.Root, null).Destinations.Destinations;
        await using var engine = new Cdp.Engine.DuckDbEngine();
        using var http = new HttpClient();
        var secrets = new Dictionary<string, string>
        {
            ["CDP_CRM_WEBHOOK_SECRET"] = "whsec_" + Convert.ToBase64String(new byte[32]),
            ["CDP_META_TOKEN"] = "token", ["CDP_GOOGLE_TOKEN"] = "token", ["CDP_MAILCHIMP_API_KEY"] = "0123456789abcdef-us6",
        };
        var factory = new DestinationFactory(http, name => secrets.GetValueOrDefault(name), engine);
        var built = shipped.ToDictionary(d => d.Name, d => factory.Create(d).GetType().Name);
        Assert.Equal(new Dictionary<string, string>
        {
            ["crm_webhook"] = "WebhookDestination", ["tills"] = "FileDropDestination", ["meta_ads"] = "MetaDestination",
            ["google_ads"] = "GoogleDataManagerDestination", ["mailchimp"] = "MailchimpDestination",
        }, built);

        foreach (var destination in shipped.Where(d => d.Name != "tills"))
        {
            var withoutSecrets = new DestinationFactory(http, _ => null, engine);
            var e = Assert.Throws<SyncException>(() => withoutSecrets.Create(destination));
            Assert.Contains($"destination '{destination.Name}': the environment variable CDP_", e.Message, StringComparison.Ordinal);
            Assert.Contains("is not set", e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The repository's cdp.yml: every shipped destination parses into its typed definition with the type's defaults.</summary>
    [Fact]
    public void The_shipped_destinations_parse_with_their_types_channels_and_limits()
    {
        var root = Cdp.Testing.RepositoryPaths.Root;
        var set = SyncProject.Load(root, null).Destinations;
        Assert.Equal(["crm_webhook", "tills", "meta_ads", "google_ads", "mailchimp"], set.Destinations.Select(d => d.Name));

        var crm = Assert.IsType<WebhookDefinition>(set.Find("crm_webhook"));
        Assert.Equal(["win_back", "abandoned_cart"], crm.Audiences);
        Assert.Equal(("email", "CDP_CRM_WEBHOOK_SECRET", 100, 2, 20.0), (crm.Channel, crm.SecretVariable, crm.Limits.MaxBatchSize, crm.Limits.MaxConcurrency, crm.Limits.RequestsPerSecond));

        var tills = Assert.IsType<FileDropDefinition>(set.Find("tills"));
        Assert.Equal((DestinationDefinition.NoChannel, FileDropFormat.Csv, Path.Combine(root, "drops", "tills"), false), (tills.Channel, tills.Format, tills.Location, tills.IsRemote));

        var meta = Assert.IsType<MetaDefinition>(set.Find("meta_ads"));
        Assert.Equal(("ads", "1234567890", "v23.0", "CDP_META_TOKEN", 10_000), (meta.Channel, meta.AdAccountId, meta.ApiVersion, meta.TokenVariable, meta.Limits.MaxBatchSize));

        var google = Assert.IsType<GoogleDataManagerDefinition>(set.Find("google_ads"));
        Assert.Equal(("ads", "1234567890", "9876543210", "CDP_GOOGLE_TOKEN"), (google.Channel, google.OperatingAccountId, google.ProductDestinationId, google.TokenVariable));
        Assert.True(google.Limits.RequestsPerSecond <= 5, "Google allows 300 requests a minute per project");

        var mailchimp = Assert.IsType<MailchimpDefinition>(set.Find("mailchimp"));
        Assert.Equal(("email", "a1b2c3d4e5", "CDP_MAILCHIMP_API_KEY", 500), (mailchimp.Channel, mailchimp.ListId, mailchimp.ApiKeyVariable, mailchimp.Limits.MaxBatchSize));
        Assert.Null(mailchimp.BaseUri);
    }

    [Fact]
    public void Top_reasons_show_the_three_most_frequent_with_their_counts()
    {
        var report = new Cdp.Activation.Execution.SyncReport("hook", "vip", new Cdp.Activation.Planning.SyncPlanCounts(10, 10, 0, 0, 0, 10, 0, 0, 0, 0, 0, 1), 4, 6, 0,
            new Dictionary<string, long> { ["http_422:bad_email"] = 3, ["http_422:bad_phone"] = 1, ["http_400"] = 1, ["http_413"] = 1 }, 3, false, null);
        var set = SyncProject.Load(Cdp.Testing.RepositoryPaths.Root, null);
        var result = new PairResult(new SyncPair(set.Destinations.Find("crm_webhook")!, set.Audiences.Find("win_back")!), report.Plan, report, null, null);
        Assert.Equal("http_422:bad_email 3, http_400 1, http_413 1, +1 more", SyncOutput.TopReasons(result));
        Assert.Equal(10, result.Sent);
        Assert.Equal("complete", result.Status);
    }
}
