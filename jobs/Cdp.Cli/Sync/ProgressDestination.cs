using System.Globalization;
using Cdp.Activation.Destinations;
using Cdp.Activation.Planning;

namespace Cdp.Cli.Sync;

/// <summary>Passes batches on and reports each answer as a progress line (counts and platform codes only, never personal data).</summary>
internal sealed class ProgressDestination(IDestination inner, Action<string> report) : IDestination
{
    private long _records;

    public string Name => inner.Name;

    public string Channel => inner.Channel;

    public DestinationLimits Limits => inner.Limits;

    public async Task<DeliveryResponse> SendAsync(DeliveryBatch batch, CancellationToken cancellationToken)
    {
        var what = string.Create(CultureInfo.InvariantCulture, $"{inner.Name} <- {batch.Audience}: {SyncOperations.Name(batch.Operation)} batch of {batch.Records.Count}");
        DeliveryResponse response;
        try
        {
            response = await inner.SendAsync(batch, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            report($"{what}: transport error, retrying");
            throw;
        }
        switch (response.Status)
        {
            case DeliveryStatus.Accepted:
                var done = Interlocked.Add(ref _records, batch.Records.Count);
                var refused = response.Rejections.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" ({response.Rejections.Count} rejected)");
                report(string.Create(CultureInfo.InvariantCulture, $"{what}: accepted{refused}, {done:N0} records delivered"));
                break;
            case DeliveryStatus.Transient:
                report($"{what}: {response.Reason ?? "transient failure"}, retrying");
                break;
            case DeliveryStatus.Rejected:
                report($"{what}: refused ({response.Reason ?? "no reason given"})");
                break;
            default:
                report($"{what}: destination disabled ({response.Reason ?? "no reason given"})");
                break;
        }
        return response;
    }
}
