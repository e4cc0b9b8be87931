using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Activation.Configuration;
using Cdp.Activation.Destinations;
using Cdp.Activation.Sandbox;

namespace Cdp.Cli.Sync;

/// <summary>
/// The local stand-ins of a <c>--sandbox</c> run: one per (destination, audience), since a platform keeps each
/// audience apart. Each destination is pointed at its stand-in with credentials generated for this run (an overlay on
/// the environment: nothing is set in the process, real credentials are never used), and the run's ledger lives in
/// the sandbox's temp folder, so a rehearsal never makes the real ledger believe a platform holds anyone. Disposing
/// stops the stand-ins and deletes the folder.
/// </summary>
internal sealed class SandboxSet : IAsyncDisposable
{
    /// <summary>Starts the stand-in of one pair and says where the destination now points.</summary>
    private delegate SandboxInstance Starter(DestinationDefinition destination, string audience, SandboxSet sandbox);

    // One line per destination type that has a local stand-in.
    private static readonly Dictionary<DestinationType, Starter> Starters = new()
    {
        [DestinationType.Webhook] = WebhookSandbox.Start,
        [DestinationType.FileDrop] = FileDropSandbox.Start,
        [DestinationType.Meta] = MetaSandbox.Start,
        [DestinationType.GoogleDataManager] = GoogleSandbox.Start,
        [DestinationType.Mailchimp] = MailchimpSandbox.Start,
    };

    private readonly Dictionary<string, string> _credentials = new(StringComparer.Ordinal);
    private readonly Dictionary<SyncPair, SandboxInstance> _instances = [];

    public SandboxSet()
    {
        Root = Path.Combine(Path.GetTempPath(), "cdp-sandbox", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The run's temp folder: its ledger (gold/sync_ledger) and file drops (drops/&lt;destination&gt;).</summary>
    public string Root { get; }

    /// <summary>Starts the pair's stand-in; returns the destination pointed at it.</summary>
    public DestinationDefinition Start(SyncPair pair)
    {
        if (!Starters.TryGetValue(pair.Destination.Type, out var start))
            throw new InvalidOperationException($"Bug: no local stand-in for {pair.Destination.TypeName} destinations.");
        var instance = start(pair.Destination, pair.Audience.Name, this);
        _instances[pair] = instance;
        return instance.Destination;
    }

    /// <summary>The environment with this run's generated credentials first.</summary>
    public Func<string, string?> Environment(Func<string, string?> fallback) => name => _credentials.TryGetValue(name, out var value) ? value : fallback(name);

    /// <summary>What the pair's stand-in holds now.</summary>
    public SandboxState State(SyncPair pair) => _instances[pair].State();

    /// <summary>A credential generated once per run and variable (every audience of a destination shares it).</summary>
    private string Credential(string variable, Func<string> generate)
    {
        if (!_credentials.TryGetValue(variable, out var value)) _credentials[variable] = value = generate();
        return value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances.Values) await instance.DisposeAsync();
        _instances.Clear();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a file still open for a moment; the temp folder is cleaned later
        }
    }

    private abstract class SandboxInstance(DestinationDefinition destination) : IAsyncDisposable
    {
        public DestinationDefinition Destination { get; } = destination;

        public abstract SandboxState State();

        public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A Standard Webhooks receiver enforcing the destination's batch size, with room above its request rate.</summary>
    private sealed class WebhookSandbox(WebhookDefinition destination, WebhookContractServer server) : SandboxInstance(destination)
    {
        public static SandboxInstance Start(DestinationDefinition destination, string audience, SandboxSet sandbox)
        {
            var webhook = (WebhookDefinition)destination;
            var secret = sandbox.Credential(webhook.SecretVariable, () => StandardWebhookSignature.SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            var limits = webhook.Limits;
            var server = new WebhookContractServer(secret, limits.MaxBatchSize, (int)Math.Ceiling(limits.RequestsPerSecond * 2) + limits.MaxConcurrency);
            return new WebhookSandbox(webhook with { Url = server.Endpoint }, server);
        }

        public override SandboxState State()
            => SandboxState.OfMembers(server.Members.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, string?>)new Dictionary<string, string?>(kv.Value)));

        public override ValueTask DisposeAsync() => server.DisposeAsync();
    }

    /// <summary>A drop folder in the sandbox; its members are the drops replayed in order (adds and updates hold, removes leave).</summary>
    private sealed class FileDropSandbox(FileDropDefinition destination, string audience) : SandboxInstance(destination)
    {
        public static SandboxInstance Start(DestinationDefinition destination, string audience, SandboxSet sandbox)
            => new FileDropSandbox((FileDropDefinition)destination with { Location = Path.Combine(sandbox.Root, "drops", destination.Name) }, audience);

        public override SandboxState State() => SandboxState.OfMembers(Members());

        private Dictionary<long, IReadOnlyDictionary<string, string?>> Members()
        {
            var drop = (FileDropDefinition)Destination;
            var prefix = new FileDropDestination(FileDropOptions.Local(drop.Name, drop.Channel, drop.Location, drop.Limits)).AudiencePrefix(audience);
            var folder = Path.Combine(drop.Location, prefix.Replace('/', Path.DirectorySeparatorChar));
            var members = new Dictionary<long, IReadOnlyDictionary<string, string?>>();
            if (!Directory.Exists(folder)) return members;
            var manifests = Directory.EnumerateFiles(folder, "*.manifest.json").Select(Manifest)
                .OrderBy(m => m.CreatedAt, StringComparer.Ordinal).ThenBy(m => m.BatchId, StringComparer.Ordinal);
            foreach (var manifest in manifests)
            {
                if (!manifest.File.EndsWith(".csv", StringComparison.Ordinal))
                    throw new SyncException($"destination '{drop.Name}': the sandbox replays CSV drops only, not {manifest.File}");
                var rows = CsvRows(File.ReadAllText(Path.Combine(folder, manifest.File), Encoding.UTF8));
                var header = rows[0];
                foreach (var row in rows.Skip(1))
                {
                    var personId = long.Parse(row[1]!, CultureInfo.InvariantCulture);
                    if (row[0] == "remove") members.Remove(personId);
                    else members[personId] = Enumerable.Range(2, header.Count - 2).ToDictionary(i => header[i]!, i => row[i]);
                }
            }
            return members;
        }

        private static (string CreatedAt, string BatchId, string File) Manifest(string path)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var m = doc.RootElement;
            return (m.GetProperty("created_at").GetString()!, m.GetProperty("batch_id").GetString()!, m.GetProperty("file").GetString()!);
        }

        /// <summary>RFC 4180 rows as the drop writes them: every value quoted, an unquoted empty field is NULL.</summary>
        private static List<List<string?>> CsvRows(string text)
        {
            var rows = new List<List<string?>>();
            var row = new List<string?>();
            var i = 0;
            while (i < text.Length)
            {
                string? field = null;
                if (text[i] == '"')
                {
                    var value = new StringBuilder();
                    for (i++; i < text.Length; i++)
                    {
                        if (text[i] != '"') value.Append(text[i]);
                        else if (i + 1 < text.Length && text[i + 1] == '"') value.Append(text[i++]);
                        else break;
                    }
                    i++;
                    field = value.ToString();
                }
                else
                {
                    var end = text.IndexOfAny([',', '\r', '\n'], i);
                    end = end < 0 ? text.Length : end;
                    if (end > i) field = text[i..end];
                    i = end;
                }
                row.Add(field);
                if (i < text.Length && text[i] == ',')
                {
                    i++;
                    continue;
                }
                if (i < text.Length && text[i] == '\r') i++;
                if (i < text.Length && text[i] == '\n') i++;
                rows.Add(row);
                row = [];
            }
            return rows;
        }
    }

    /// <summary>A token generated for this run (platform tokens are opaque strings).</summary>
    private string Token(string variable) => Credential(variable, () => "sandbox-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    /// <summary>Meta's Graph API for one ad account; the audience is the Custom Audience of the CDP audience's name.</summary>
    private sealed class MetaSandbox(MetaDefinition destination, MetaContractServer server, string audience) : SandboxInstance(destination)
    {
        public static SandboxInstance Start(DestinationDefinition destination, string audience, SandboxSet sandbox)
        {
            var meta = (MetaDefinition)destination;
            var server = new MetaContractServer(sandbox.Token(meta.TokenVariable), meta.AdAccountId, RoomAbove(meta.Limits), apiVersion: meta.ApiVersion);
            return new MetaSandbox(meta with { BaseUri = server.BaseUri }, server, audience);
        }

        public override SandboxState State()
            => SandboxState.OfKeys(server.PeopleIn(audience), "meta_email_sha256", server.MembersOf(audience), server.EverReceivedEmails);

        public override ValueTask DisposeAsync() => server.DisposeAsync();
    }

    /// <summary>Google's Data Manager API for one account and user list.</summary>
    private sealed class GoogleSandbox(GoogleDataManagerDefinition destination, GoogleDataManagerContractServer server) : SandboxInstance(destination)
    {
        public static SandboxInstance Start(DestinationDefinition destination, string audience, SandboxSet sandbox)
        {
            var google = (GoogleDataManagerDefinition)destination;
            var server = new GoogleDataManagerContractServer(sandbox.Token(google.TokenVariable), google.OperatingAccountId, [google.ProductDestinationId], RoomAbove(google.Limits));
            return new GoogleSandbox(google with { BaseUri = server.BaseUri }, server);
        }

        public override SandboxState State()
        {
            var list = server.UserLists[((GoogleDataManagerDefinition)Destination).ProductDestinationId];
            var emails = list.Values.SelectMany(ids => ids).Where(id => id.StartsWith("email:", StringComparison.Ordinal)).Select(id => id["email:".Length..]);
            return SandboxState.OfKeys(list.Count, "google_email_sha256", emails, server.EverReceivedEmailHashes);
        }

        public override ValueTask DisposeAsync() => server.DisposeAsync();
    }

    /// <summary>Mailchimp's Marketing API for one list; the audience is the static segment (tag) of its name.</summary>
    private sealed class MailchimpSandbox(MailchimpDefinition destination, MailchimpContractServer server, string audience) : SandboxInstance(destination)
    {
        public static SandboxInstance Start(DestinationDefinition destination, string audience, SandboxSet sandbox)
        {
            var mailchimp = (MailchimpDefinition)destination;
            var key = sandbox.Credential(mailchimp.ApiKeyVariable, () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "-us1");
            var server = new MailchimpContractServer(key, mailchimp.ListId, RoomAbove(mailchimp.Limits));
            return new MailchimpSandbox(mailchimp with { BaseUri = server.BaseUri }, server, audience);
        }

        public override SandboxState State()
        {
            var emails = server.SegmentEmails(audience);
            return SandboxState.OfKeys(emails.Count, "email", emails, server.EverReceived);
        }

        public override ValueTask DisposeAsync() => server.DisposeAsync();
    }

    /// <summary>A stand-in's request rate: the destination's own, with room for its jitter (a platform's quota is never the client's exact pace).</summary>
    private static int RoomAbove(DestinationLimits limits) => (int)Math.Ceiling(limits.RequestsPerSecond * 2) + limits.MaxConcurrency;
}

/// <summary>
/// What a stand-in holds at the end of a sandbox run: how many members, and either the members by person id (webhook,
/// file drop) or the platform's keys (hashed or plain emails, <paramref name="KeyKind"/>) held and ever received.
/// </summary>
internal sealed record SandboxState(int Count, IReadOnlyDictionary<long, IReadOnlyDictionary<string, string?>>? Members, string? KeyKind,
    IReadOnlySet<string>? HeldKeys, IReadOnlySet<string>? ReceivedKeys)
{
    public static SandboxState OfMembers(IReadOnlyDictionary<long, IReadOnlyDictionary<string, string?>> members) => new(members.Count, members, null, null, null);

    public static SandboxState OfKeys(int count, string kind, IEnumerable<string> held, IEnumerable<string> received)
        => new(count, null, kind, held.ToHashSet(StringComparer.Ordinal), received.ToHashSet(StringComparer.Ordinal));
}
