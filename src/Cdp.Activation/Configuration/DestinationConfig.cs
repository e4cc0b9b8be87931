using System.Globalization;
using System.Text.RegularExpressions;
using Cdp.Activation.Destinations;

namespace Cdp.Activation.Configuration;

/// <summary>
/// Reads the <c>destinations:</c> section of cdp.yml (plain values from the project loader: dictionaries, lists,
/// strings, longs, doubles, booleans) into a <see cref="DestinationSet"/>. Every problem is reported at once, each
/// starting with its YAML path (<c>cdp.yml: destinations.crm_webhook.url: ...</c>).
/// </summary>
/// <remarks>
/// <code>
/// destinations:
///   crm_webhook:
///     type: webhook                      # webhook | file_drop | meta | google_data_manager | mailchimp
///     audiences: [win_back, abandoned_cart]
///     url: https://crm.example.com/hooks/audiences
///     secret_env: CDP_CRM_WEBHOOK_SECRET # the NAME of the variable holding the secret, never the secret
///     channel: email                     # email | sms | ads (webhook; default email)
///     limits: {batch_size: 500, concurrency: 4, requests_per_second: 10, max_attempts: 8, timeout_seconds: 30}
///   tills:
///     type: file_drop
///     audiences: [till_receipt]
///     path: drops/tills                  # relative to the project, or az://container/path, abfss://...
///     format: csv                        # csv | parquet
///     channel: none                      # no channel consent needed; holdouts still apply
///   meta_ads: {type: meta, audiences: [vip], ad_account_id: 'act_123', token_env: CDP_META_TOKEN, api_version: v23.0}
///   google_ads: {type: google_data_manager, audiences: [vip], operating_account_id: '1234567890', product_destination_id: '987', token_env: CDP_GOOGLE_TOKEN}
///   mailchimp: {type: mailchimp, audiences: [win_back], list_id: a1b2c3d4e5, api_key_env: CDP_MAILCHIMP_API_KEY}
/// </code>
/// Meta and Google destinations need the ads channel, Mailchimp the email channel; a destination's channel must be
/// one of each of its audiences' channels, except <c>none</c>.
/// </remarks>
public static partial class DestinationConfig
{
    private const string At = "cdp.yml: destinations";
    private static readonly string[] CommonKeys = ["type", "audiences", "limits"];
    private static readonly string[] LimitKeys = ["batch_size", "concurrency", "requests_per_second", "max_attempts", "timeout_seconds"];
    private static readonly string[] Channels = ["email", "sms", "ads"];
    private static readonly string[] StorageSchemes = ["file", "az", "azure", "abfs", "abfss", "wasb", "wasbs"];

    private static readonly Dictionary<DestinationType, string[]> TypeKeys = new()
    {
        [DestinationType.Webhook] = ["url", "secret_env", "channel"],
        [DestinationType.FileDrop] = ["path", "format", "channel"],
        [DestinationType.Meta] = ["ad_account_id", "token_env", "api_version", "base_url"],
        [DestinationType.GoogleDataManager] = ["operating_account_id", "product_destination_id", "token_env", "base_url"],
        [DestinationType.Mailchimp] = ["list_id", "api_key_env", "base_url"],
    };

    /// <param name="section">The section as the project loader gives it; null when cdp.yml has none.</param>
    /// <param name="audienceChannels">Every audience of <c>audiences.definitions</c> with its channels (email, sms, ads).</param>
    /// <param name="projectDirectory">Relative file-drop paths are resolved against it.</param>
    /// <exception cref="DestinationConfigException">Every problem found, one per line.</exception>
    public static DestinationSet Read(IReadOnlyDictionary<string, object?>? section, IReadOnlyDictionary<string, IReadOnlyCollection<string>> audienceChannels,
        string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(audienceChannels);
        ArgumentException.ThrowIfNullOrWhiteSpace(projectDirectory);
        if (section is null) return DestinationSet.Empty;
        var errors = new List<string>();
        var destinations = new List<DestinationDefinition>();
        foreach (var (name, value) in section)
        {
            if (new Reader(name, audienceChannels, projectDirectory, errors).Read(value) is { } destination) destinations.Add(destination);
        }
        if (errors.Count > 0) throw new DestinationConfigException(errors);
        return new DestinationSet(destinations);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"^v[0-9]{1,3}\.[0-9]{1,3}$")]
    private static partial Regex ApiVersionPattern();

    [GeneratedRegex("^[0-9]{1,32}$")]
    private static partial Regex DigitsPattern();

    [GeneratedRegex("^[A-Za-z0-9]{1,64}$")]
    private static partial Regex ListIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex IdPattern();

    /// <summary>Reads one destination, adding its problems to the shared list.</summary>
    private sealed class Reader(string name, IReadOnlyDictionary<string, IReadOnlyCollection<string>> audienceChannels, string projectDirectory, List<string> errors)
    {
        private readonly string _at = $"{At}.{name}";
        private IReadOnlyDictionary<string, object?> _map = new Dictionary<string, object?>();

        public DestinationDefinition? Read(object? value)
        {
            if (!NamePattern().IsMatch(name))
            {
                errors.Add($"{At}: '{Printable(name)}' is not a destination name (1 to 64 letters, digits, '_' or '-')");
                return null;
            }
            if (value is not IReadOnlyDictionary<string, object?> map)
            {
                errors.Add($"{_at}: expected a mapping with type, audiences and the type's settings");
                return null;
            }
            _map = map;
            var typeText = map.GetValueOrDefault("type");
            if (typeText is null)
            {
                errors.Add($"{_at}.type: missing (use {string.Join(", ", DestinationTypes.All)})");
                return null;
            }
            if (DestinationTypes.Parse(typeText as string) is not { } type)
            {
                errors.Add($"{_at}.type: '{Printable(typeText.ToString() ?? "")}' is not a destination type (use {string.Join(", ", DestinationTypes.All)})");
                return null;
            }
            var allowed = CommonKeys.Concat(TypeKeys[type]).ToArray();
            foreach (var key in map.Keys.Where(k => !allowed.Contains(k)))
                errors.Add($"{_at}.{Printable(key)}: unknown key for a {DestinationTypes.Name(type)} destination (use {string.Join(", ", allowed)})");

            var before = errors.Count;
            var audiences = Audiences();
            var channel = type switch
            {
                DestinationType.Webhook => Channel(defaultChannel: "email", allowNone: false),
                DestinationType.FileDrop => Channel(defaultChannel: null, allowNone: true),
                DestinationType.Mailchimp => "email",
                _ => "ads",
            };
            if (channel is not null) CheckChannel(audiences, channel);
            var limits = Limits(type);
            DestinationDefinition? definition = type switch
            {
                DestinationType.Webhook => Webhook(audiences, channel, limits),
                DestinationType.FileDrop => FileDrop(audiences, channel, limits),
                DestinationType.Meta => Meta(audiences, limits),
                DestinationType.GoogleDataManager => Google(audiences, limits),
                DestinationType.Mailchimp => Mailchimp(audiences, limits),
                _ => throw new InvalidOperationException($"Bug: no reader for destination type {type}."),
            };
            return errors.Count > before ? null : definition;
        }

        private WebhookDefinition? Webhook(List<string> audiences, string? channel, DestinationLimits limits)
        {
            var url = Url("url", required: true);
            var secret = Variable("secret_env");
            return url is null || secret is null || channel is null ? null : new WebhookDefinition(name, audiences, channel, limits, _at, url, secret);
        }

        private FileDropDefinition? FileDrop(List<string> audiences, string? channel, DestinationLimits limits)
        {
            var location = Location();
            var format = FileDropFormat.Csv;
            if (_map.TryGetValue("format", out var f))
            {
                if (f is "csv") format = FileDropFormat.Csv;
                else if (f is "parquet") format = FileDropFormat.Parquet;
                else errors.Add($"{_at}.format: '{Printable(f?.ToString() ?? "")}' is not a file format (use csv or parquet)");
            }
            return location is null || channel is null ? null : new FileDropDefinition(name, audiences, channel, limits, _at, location, format);
        }

        private MetaDefinition? Meta(List<string> audiences, DestinationLimits limits)
        {
            var account = Text("ad_account_id", "the ad account id, e.g. act_1234567890");
            if (account is not null)
            {
                var digits = account.StartsWith("act_", StringComparison.Ordinal) ? account[4..] : account;
                if (DigitsPattern().IsMatch(digits)) account = digits;
                else Error("ad_account_id", "expected digits, optionally after 'act_' (e.g. act_1234567890)", ref account);
            }
            var token = Variable("token_env");
            var version = Text("api_version", "the Graph API version, e.g. v23.0");
            if (version is not null && !ApiVersionPattern().IsMatch(version)) Error("api_version", $"'{Printable(version)}' is not a Graph API version (e.g. v23.0)", ref version);
            var baseUri = Url("base_url", required: false);
            return account is null || token is null || version is null ? null : new MetaDefinition(name, audiences, limits, _at, account, token, version, baseUri);
        }

        private GoogleDataManagerDefinition? Google(List<string> audiences, DestinationLimits limits)
        {
            var account = Text("operating_account_id", "the Google Ads customer id, e.g. 123-456-7890");
            if (account is not null)
            {
                var digits = account.Replace("-", "", StringComparison.Ordinal);
                if (DigitsPattern().IsMatch(digits)) account = digits;
                else Error("operating_account_id", "expected a customer id of digits (dashes allowed, e.g. 123-456-7890)", ref account);
            }
            var product = Text("product_destination_id", "the user list id the members go to");
            if (product is not null && !IdPattern().IsMatch(product)) Error("product_destination_id", "expected an id of letters, digits, '_', '.' or '-'", ref product);
            var token = Variable("token_env");
            var baseUri = Url("base_url", required: false);
            return account is null || product is null || token is null ? null : new GoogleDataManagerDefinition(name, audiences, limits, _at, account, product, token, baseUri);
        }

        private MailchimpDefinition? Mailchimp(List<string> audiences, DestinationLimits limits)
        {
            var list = Text("list_id", "the Mailchimp audience (list) id");
            if (list is not null && !ListIdPattern().IsMatch(list)) Error("list_id", "expected a list id of letters and digits (Audience settings > Audience ID)", ref list);
            var key = Variable("api_key_env");
            var baseUri = Url("base_url", required: false);
            return list is null || key is null ? null : new MailchimpDefinition(name, audiences, limits, _at, list, key, baseUri);
        }

        private List<string> Audiences()
        {
            var at = $"{_at}.audiences";
            var value = _map.GetValueOrDefault("audiences");
            if (value is null)
            {
                errors.Add($"{at}: missing (list the audiences of audiences.definitions this destination receives)");
                return [];
            }
            var items = value is string single ? [single] : value as IEnumerable<object?>;
            if (items is null || value is IReadOnlyDictionary<string, object?>)
            {
                errors.Add($"{at}: expected a list of audience names");
                return [];
            }
            var list = items.ToList();
            if (list.Count == 0) errors.Add($"{at}: empty (list at least one audience)");
            var audiences = new List<string>();
            foreach (var (item, i) in list.Select((x, i) => (x, i)))
            {
                if (item is not string audience || audience.Length == 0) errors.Add($"{at}[{i}]: expected an audience name");
                else if (!audienceChannels.ContainsKey(audience))
                    errors.Add($"{at}[{i}]: no audience '{Printable(audience)}' in audiences.definitions (defined: {Defined()})");
                else if (audiences.Contains(audience)) errors.Add($"{at}[{i}]: '{audience}' is listed twice");
                else audiences.Add(audience);
            }
            return audiences;
        }

        private string Defined() => audienceChannels.Count == 0 ? "none" : string.Join(", ", audienceChannels.Keys.Order(StringComparer.Ordinal));

        /// <summary>Each audience must have the destination's channel; an export without channel (none) may take any.</summary>
        private void CheckChannel(List<string> audiences, string channel)
        {
            if (channel == DestinationDefinition.NoChannel) return;
            var list = _map.GetValueOrDefault("audiences") is List<object?> items ? items : [.. audiences];
            foreach (var audience in audiences)
            {
                var channels = audienceChannels[audience];
                if (channels.Contains(channel)) continue;
                var has = channels.Count == 0 ? "no channels" : "channels " + string.Join(", ", channels);
                errors.Add($"{_at}.audiences[{list.IndexOf(audience)}]: audience '{audience}' has {has}, but destination '{name}' sends by {channel}; " +
                    $"add {channel} to the audience's channels or drop it from this destination");
            }
        }

        private DestinationLimits Limits(DestinationType type)
        {
            var range = DestinationTypes.Limits(type);
            var limits = range.Defaults;
            if (!_map.TryGetValue("limits", out var value) || value is null) return limits;
            var at = $"{_at}.limits";
            if (value is not IReadOnlyDictionary<string, object?> map)
            {
                errors.Add($"{at}: expected a mapping with {string.Join(", ", LimitKeys)}");
                return limits;
            }
            foreach (var key in map.Keys.Where(k => !LimitKeys.Contains(k)))
                errors.Add($"{at}.{Printable(key)}: unknown key (use {string.Join(", ", LimitKeys)})");
            var batch = Whole(map, "batch_size", at, 1, range.MaxBatchSize, "records per request");
            var concurrency = Whole(map, "concurrency", at, 1, range.MaxConcurrency, "requests in flight at once");
            var attempts = Whole(map, "max_attempts", at, 1, 100, "attempts per request, the first included");
            var rate = Number(map, "requests_per_second", at, range.MaxRequestsPerSecond, "request starts per second");
            var timeout = Number(map, "timeout_seconds", at, 3600, "seconds one attempt may take");
            limits = new DestinationLimits(batch ?? limits.MaxBatchSize, concurrency ?? limits.MaxConcurrency, rate ?? limits.RequestsPerSecond)
            {
                MaxAttempts = attempts ?? limits.MaxAttempts,
                AttemptTimeout = timeout is { } t ? TimeSpan.FromSeconds(t) : limits.AttemptTimeout,
            };
            return limits;
        }

        private int? Whole(IReadOnlyDictionary<string, object?> map, string key, string at, int min, int max, string meaning)
        {
            if (!map.TryGetValue(key, out var v)) return null;
            if (v is long l && l >= min && l <= max) return (int)l;
            errors.Add($"{at}.{key}: '{Printable(v?.ToString() ?? "")}' is not a whole number from {min} to {max.ToString("N0", CultureInfo.InvariantCulture)} ({meaning})");
            return null;
        }

        private double? Number(IReadOnlyDictionary<string, object?> map, string key, string at, double max, string meaning)
        {
            if (!map.TryGetValue(key, out var v)) return null;
            double? d = v switch { long l => l, double x => x, _ => null };
            if (d is > 0 && d <= max && double.IsFinite(d.Value)) return d;
            errors.Add($"{at}.{key}: '{Printable(v?.ToString() ?? "")}' is not a number above 0 and at most {max.ToString(CultureInfo.InvariantCulture)} ({meaning})");
            return null;
        }

        private string? Channel(string? defaultChannel, bool allowNone)
        {
            var accepted = allowNone ? [.. Channels, DestinationDefinition.NoChannel] : Channels;
            if (!_map.TryGetValue("channel", out var value))
            {
                if (defaultChannel is not null) return defaultChannel;
                errors.Add($"{_at}.channel: missing (use {string.Join(", ", accepted)}; none for exports that contact nobody)");
                return null;
            }
            if (value is string channel && accepted.Contains(channel)) return channel;
            errors.Add($"{_at}.channel: '{Printable(value?.ToString() ?? "")}' is not a channel (use {string.Join(", ", accepted)})");
            return null;
        }

        private string? Text(string key, string meaning)
        {
            var value = _map.GetValueOrDefault(key);
            if (value is string s && s.Trim().Length > 0) return s.Trim();
            if (value is long l) return l.ToString(CultureInfo.InvariantCulture);
            errors.Add(value is null ? $"{_at}.{key}: missing ({meaning})" : $"{_at}.{key}: expected text ({meaning})");
            return null;
        }

        /// <summary>The name of an environment variable. A value that is not a name may be a pasted secret: it is never echoed.</summary>
        private string? Variable(string key)
        {
            var value = _map.GetValueOrDefault(key);
            if (value is string s && VariablePattern().IsMatch(s)) return s;
            errors.Add(value is null
                ? $"{_at}.{key}: missing (the name of the environment variable holding the secret)"
                : $"{_at}.{key}: expected the name of an environment variable (letters, digits and '_'), not the secret itself; the value is not shown");
            return null;
        }

        private Uri? Url(string key, bool required)
        {
            var value = _map.GetValueOrDefault(key);
            if (value is null)
            {
                if (required) errors.Add($"{_at}.{key}: missing (an http or https URL)");
                return null;
            }
            if (value is string s && Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo))
                return uri;
            errors.Add($"{_at}.{key}: expected an absolute http or https URL without credentials");
            return null;
        }

        private string? Location()
        {
            var value = _map.GetValueOrDefault("path");
            if (value is not string path || path.Trim().Length == 0)
            {
                errors.Add(value is null ? $"{_at}.path: missing (a folder relative to the project, or az://container/path, abfss://...)" : $"{_at}.path: expected a folder or storage URL");
                return null;
            }
            var scheme = path.IndexOf("://", StringComparison.Ordinal) is var end and > 0 ? path[..end].ToLowerInvariant() : null;
            if (scheme is null) return Path.GetFullPath(path, projectDirectory);
            if (!StorageSchemes.Contains(scheme))
            {
                errors.Add($"{_at}.path: the scheme '{Printable(scheme)}' is not a storage location (use a folder, file:///, az://, abfss:// or wasbs://)");
                return null;
            }
            if (scheme == "file")
            {
                if (Uri.TryCreate(path, UriKind.Absolute, out var file) && file.IsFile) return Path.GetFullPath(file.LocalPath);
                errors.Add($"{_at}.path: expected file:///absolute/path");
                return null;
            }
            return path;
        }

        private void Error(string key, string message, ref string? value)
        {
            errors.Add($"{_at}.{key}: {message}");
            value = null;
        }
    }

    /// <summary>Text safe to echo in a message: control characters shown as '?', long text cut.</summary>
    private static string Printable(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 80 ? clean[..80] + "..." : clean;
    }
}
