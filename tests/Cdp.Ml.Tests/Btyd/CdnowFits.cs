using Cdp.Ml.Btyd;

namespace Cdp.Ml.Tests.Btyd;

/// <summary>Fits each model on CDNOW once per test class; null members when the data is absent.</summary>
public sealed class CdnowFits
{
    private readonly Lazy<BgNbdModel?> _bgNbd;
    private readonly Lazy<ParetoNbdModel?> _paretoNbd;
    private readonly Lazy<GammaGammaModel?> _gammaGamma;

    public CdnowFits()
    {
        var folder = Cdnow.Folder;
        Summary = folder is null ? null : Cdnow.Summary(folder);
        SummaryWithSpend = folder is null ? null : Cdnow.SummaryWithSpend(folder);
        _bgNbd = new(() => Summary is null ? null : BgNbdModel.FitTo(Summary));
        _paretoNbd = new(() => Summary is null ? null : ParetoNbdModel.FitTo(Summary));
        _gammaGamma = new(() => SummaryWithSpend is null ? null : GammaGammaModel.FitTo(SummaryWithSpend));
    }

    public IReadOnlyList<CustomerSummary>? Summary { get; }

    public IReadOnlyList<CustomerSummary>? SummaryWithSpend { get; }

    public BgNbdModel? BgNbd => _bgNbd.Value;

    public ParetoNbdModel? ParetoNbd => _paretoNbd.Value;

    public GammaGammaModel? GammaGamma => _gammaGamma.Value;
}
