using Cdp.Activation.Configuration;
using Cdp.Activation.Destinations;
using Cdp.Activation.Destinations.Google;
using Cdp.Activation.Destinations.Mailchimp;
using Cdp.Activation.Destinations.Meta;
using Cdp.Engine;
using Cdp.Lake.Storage;

namespace Cdp.Cli.Sync;

/// <summary>
/// Builds the <see cref="IDestination"/> of a destination of cdp.yml. Secrets are read through
/// <paramref name="environment"/> (never from the file) and checked here, before anything is sent.
/// </summary>
/// <param name="http">Shared by the HTTP destinations; its own timeout should be infinite (attempt timeouts are the executor's).</param>
/// <param name="engine">Encodes Parquet file drops.</param>
internal sealed class DestinationFactory(HttpClient http, Func<string, string?> environment, DuckDbEngine engine)
{
    /// <summary>Meta's Graph API root when cdp.yml gives no base_url.</summary>
    public static readonly Uri MetaGraphApi = new("https://graph.facebook.com/");

    /// <exception cref="SyncException">A secret's environment variable is not set or unusable.</exception>
    public IDestination Create(DestinationDefinition destination)
    {
        try
        {
            return destination switch
            {
                WebhookDefinition webhook => Webhook(webhook),
                FileDropDefinition drop => FileDrop(drop),
                MetaDefinition meta => Meta(meta),
                GoogleDataManagerDefinition google => Google(google),
                MailchimpDefinition mailchimp => Mailchimp(mailchimp),
                _ => throw new InvalidOperationException($"Bug: destination type {destination.TypeName} has no constructor."),
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException && e is not SyncException)
        {
            // The connectors' own checks (a malformed secret, a limit above the platform's) name the destination, never the secret.
            throw new SyncException($"destination '{destination.Name}': {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private WebhookDestination Webhook(WebhookDefinition d)
    {
        RequireSecret(d, d.SecretVariable, "its signing secret, whsec_...");
        return new WebhookDestination(new WebhookOptions(d.Name, d.Channel, d.Url, d.SecretVariable, d.Limits), http, environment);
    }

    // The one place that knows how a file drop reaches its folder or container.
    private FileDropDestination FileDrop(FileDropDefinition d)
    {
        var options = d.IsRemote
            ? new FileDropOptions(d.Name, d.Channel, ObjectStoreResolver.Resolve(d.Location, environment), d.Limits)
            : FileDropOptions.Local(d.Name, d.Channel, d.Location, d.Limits);
        return new FileDropDestination(options with { Format = d.Format }, d.Format == FileDropFormat.Parquet ? engine : null);
    }

    private MetaDestination Meta(MetaDefinition d)
    {
        RequireSecret(d, d.TokenVariable, "a Marketing API access token");
        return new MetaDestination(new MetaOptions(d.Name, d.BaseUri ?? MetaGraphApi, d.ApiVersion, d.AdAccountId, d.TokenVariable, d.Limits), http, environment);
    }

    private GoogleDataManagerDestination Google(GoogleDataManagerDefinition d)
    {
        RequireSecret(d, d.TokenVariable, "an OAuth access token for the Data Manager API");
        return new GoogleDataManagerDestination(new GoogleDataManagerOptions(d.Name, d.BaseUri ?? GoogleDataManagerOptions.ProductionBaseUri, d.OperatingAccountId,
            d.ProductDestinationId, d.TokenVariable, d.Limits), http, environment);
    }

    private MailchimpDestination Mailchimp(MailchimpDefinition d)
    {
        RequireSecret(d, d.ApiKeyVariable, "a Marketing API key, <key>-<data centre>");
        return new MailchimpDestination(new MailchimpOptions(d.Name, d.ListId, d.ApiKeyVariable, d.Limits) { BaseUri = d.BaseUri }, http, environment);
    }

    private void RequireSecret(DestinationDefinition d, string variable, string what)
    {
        if (string.IsNullOrEmpty(environment(variable)))
            throw new SyncException($"destination '{d.Name}': the environment variable {variable} ({what}) is not set; set it, or run with --sandbox to use local stand-ins");
    }
}
