using Cdp.Activation.Configuration;
using Cdp.Activation.Destinations;

namespace Cdp.Cli.Sync;

/// <summary>
/// Builds the <see cref="IDestination"/> of a destination of cdp.yml. Secrets are read through
/// <paramref name="environment"/> (never from the file) and checked here, before anything is sent.
/// </summary>
/// <param name="http">Shared by the HTTP destinations; its own timeout should be infinite (attempt timeouts are the executor's).</param>
internal sealed class DestinationFactory(HttpClient http, Func<string, string?> environment)
{
    /// <summary>Why this build cannot sync to the destination, or null when it can.</summary>
    public static string? Unavailable(DestinationDefinition destination) => destination switch
    {
        WebhookDefinition => null,
        FileDropDefinition { Format: FileDropFormat.Parquet } => "parquet file drops are not available in this build (use format: csv)",
        FileDropDefinition { IsRemote: true } => "file drops to blob storage (az://, abfss://) are not available in this build (use a local folder)",
        FileDropDefinition => null,
        _ => $"the {destination.TypeName} destination type is not available in this build",
    };

    /// <exception cref="SyncException">The type is not available, or a secret's environment variable is not set.</exception>
    public IDestination Create(DestinationDefinition destination)
    {
        if (Unavailable(destination) is { } reason) throw new SyncException($"destination '{destination.Name}': {reason}");
        return destination switch
        {
            WebhookDefinition webhook => Webhook(webhook),
            FileDropDefinition drop => FileDrop(drop),
            _ => throw new InvalidOperationException($"Bug: destination type {destination.TypeName} is available but has no constructor."),
        };
    }

    private WebhookDestination Webhook(WebhookDefinition d)
    {
        RequireSecret(d, d.SecretVariable, "its signing secret, whsec_...");
        try
        {
            return new WebhookDestination(new WebhookOptions(d.Name, d.Channel, d.Url, d.SecretVariable, d.Limits), http, environment);
        }
        catch (ArgumentException e)
        {
            throw new SyncException($"destination '{d.Name}': the secret in {d.SecretVariable} is unusable: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    // The one place that knows how a file drop reaches its folder (to become an object store for az:// and abfss://).
    private static FileDropDestination FileDrop(FileDropDefinition d)
        => new(new FileDropOptions(d.Name, d.Channel, d.Location, d.Limits));

    private void RequireSecret(DestinationDefinition d, string variable, string what)
    {
        if (string.IsNullOrEmpty(environment(variable)))
            throw new SyncException($"destination '{d.Name}': the environment variable {variable} ({what}) is not set; set it, or run with --sandbox to use local stand-ins");
    }
}
