using Cdp.Activation.Destinations;

namespace Cdp.Activation.Configuration;

/// <summary>The kinds of destination cdp.yml can declare.</summary>
public enum DestinationType
{
    Webhook,
    FileDrop,
    Meta,
    GoogleDataManager,
    Mailchimp,
}

/// <summary>The YAML spelling of each type, and the limits each starts from.</summary>
public static class DestinationTypes
{
    private static readonly Dictionary<DestinationType, string> Names = new()
    {
        [DestinationType.Webhook] = "webhook",
        [DestinationType.FileDrop] = "file_drop",
        [DestinationType.Meta] = "meta",
        [DestinationType.GoogleDataManager] = "google_data_manager",
        [DestinationType.Mailchimp] = "mailchimp",
    };

    public static IEnumerable<string> All => Names.Values;

    public static string Name(DestinationType type) => Names[type];

    public static DestinationType? Parse(string? name)
    {
        foreach (var (type, spelling) in Names)
        {
            if (string.Equals(spelling, name, StringComparison.Ordinal)) return type;
        }
        return null;
    }

    /// <summary>
    /// The limits a destination of this type gets when cdp.yml sets none, and the most its platform allows: Meta and
    /// Google take at most 10,000 members per request, Google 300 requests a minute per project, Mailchimp 500 members
    /// per call and 10 simultaneous connections (see design/destinations.md).
    /// </summary>
    public static LimitRange Limits(DestinationType type) => type switch
    {
        DestinationType.Webhook => new(new DestinationLimits(500, 4, 10), MaxBatchSize: 10_000, MaxConcurrency: 32, MaxRequestsPerSecond: 1_000),
        DestinationType.FileDrop => new(new DestinationLimits(100_000, 1, 100), MaxBatchSize: 1_000_000, MaxConcurrency: 8, MaxRequestsPerSecond: 1_000),
        DestinationType.Meta => new(new DestinationLimits(10_000, 2, 2), MaxBatchSize: 10_000, MaxConcurrency: 10, MaxRequestsPerSecond: 50),
        DestinationType.GoogleDataManager => new(new DestinationLimits(10_000, 2, 4), MaxBatchSize: 10_000, MaxConcurrency: 10, MaxRequestsPerSecond: 5),
        DestinationType.Mailchimp => new(new DestinationLimits(500, 4, 5), MaxBatchSize: 500, MaxConcurrency: 10, MaxRequestsPerSecond: 50),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Bug: unknown destination type."),
    };
}

/// <summary>A type's default limits and the platform's ceilings.</summary>
public sealed record LimitRange(DestinationLimits Defaults, int MaxBatchSize, int MaxConcurrency, double MaxRequestsPerSecond);

/// <summary>
/// One destination of cdp.yml's <c>destinations:</c> section: where it is, the audiences it receives, the consent
/// channel its members need (<see cref="NoChannel"/> for exports that contact nobody, such as a till's receipt
/// offers), and its limits. Secrets are never part of it: only the names of the environment variables holding them.
/// </summary>
/// <param name="Path">Where it was declared, for messages: <c>cdp.yml: destinations.crm_webhook</c>.</param>
public abstract record DestinationDefinition(string Name, IReadOnlyList<string> Audiences, string Channel, DestinationLimits Limits, string Path)
{
    /// <summary>The channel of exports that need no channel consent; holdouts still apply.</summary>
    public const string NoChannel = "none";

    public abstract DestinationType Type { get; }

    public string TypeName => DestinationTypes.Name(Type);
}

/// <summary>A Standard Webhooks endpoint; <paramref name="SecretVariable"/> names the variable holding its <c>whsec_</c> secret.</summary>
public sealed record WebhookDefinition(string Name, IReadOnlyList<string> Audiences, string Channel, DestinationLimits Limits, string Path,
    Uri Url, string SecretVariable) : DestinationDefinition(Name, Audiences, Channel, Limits, Path)
{
    public override DestinationType Type => DestinationType.Webhook;
}

/// <summary>
/// Files per audience and batch. <paramref name="Location"/> is an absolute local folder (a relative path in cdp.yml is
/// resolved against the project folder) or a storage URI kept as written (<c>az://</c>, <c>abfss://</c>, ...), resolved
/// like the lake's own location.
/// </summary>
public sealed record FileDropDefinition(string Name, IReadOnlyList<string> Audiences, string Channel, DestinationLimits Limits, string Path,
    string Location, FileDropFormat Format) : DestinationDefinition(Name, Audiences, Channel, Limits, Path)
{
    public override DestinationType Type => DestinationType.FileDrop;

    /// <summary>True for a storage URI, false for a local folder.</summary>
    public bool IsRemote => Location.Contains("://", StringComparison.Ordinal);
}

/// <summary>A Meta (Facebook) Custom Audience per audience in ad account <paramref name="AdAccountId"/> (digits, without <c>act_</c>).</summary>
public sealed record MetaDefinition(string Name, IReadOnlyList<string> Audiences, DestinationLimits Limits, string Path,
    string AdAccountId, string TokenVariable, string ApiVersion, Uri? BaseUri) : DestinationDefinition(Name, Audiences, "ads", Limits, Path)
{
    public override DestinationType Type => DestinationType.Meta;
}

/// <summary>Google Customer Match through the Data Manager API; the account id is digits only.</summary>
public sealed record GoogleDataManagerDefinition(string Name, IReadOnlyList<string> Audiences, DestinationLimits Limits, string Path,
    string OperatingAccountId, string ProductDestinationId, string TokenVariable, Uri? BaseUri)
    : DestinationDefinition(Name, Audiences, "ads", Limits, Path)
{
    public override DestinationType Type => DestinationType.GoogleDataManager;
}

/// <summary>A Mailchimp audience (list); <paramref name="ApiKeyVariable"/> names the variable holding the API key.</summary>
public sealed record MailchimpDefinition(string Name, IReadOnlyList<string> Audiences, DestinationLimits Limits, string Path,
    string ListId, string ApiKeyVariable, Uri? BaseUri) : DestinationDefinition(Name, Audiences, "email", Limits, Path)
{
    public override DestinationType Type => DestinationType.Mailchimp;
}

/// <summary>Every destination of cdp.yml, in file order.</summary>
public sealed record DestinationSet(IReadOnlyList<DestinationDefinition> Destinations)
{
    public static readonly DestinationSet Empty = new([]);

    public DestinationDefinition? Find(string name) => Destinations.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));
}

/// <summary>Problems in cdp.yml's <c>destinations:</c> section: every one found, one per line, each starting with its YAML path.</summary>
public sealed class DestinationConfigException : Exception
{
    public DestinationConfigException(IReadOnlyList<string> errors)
        : base(string.Join('\n', errors)) => Errors = errors;

    public DestinationConfigException(string message)
        : this([message])
    {
    }

    public DestinationConfigException()
        : this("Invalid destinations.")
    {
    }

    public DestinationConfigException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
