using Cdp.Engine;
using Cdp.Ml.Btyd;
using Xunit.Abstractions;

namespace Cdp.Ml.Tests.Btyd;

/// <summary>
/// The published CDNOW estimates (SOURCE.txt in shared/data/ml/cdnow: Fader, Hardie &amp; Lee 2005 and the lifetimes
/// package's documented values) reproduced from the data in place. Fitted values are printed for passing tests too.
/// </summary>
public sealed class CdnowConformanceTests(ITestOutputHelper output, TestConsole console, CdnowFits fits)
    : IClassFixture<TestConsole>, IClassFixture<CdnowFits>
{
    [Fact]
    public void BgNbd_estimates_match_the_paper()
    {
        if (fits.BgNbd is not { } model) { Skip(); return; }
        var p = model.Parameters;
        Report($"BG/NBD: r={p.R:F4} (0.243) alpha={p.Alpha:F4} (4.414) a={p.A:F4} (0.793) b={p.B:F4} (2.426) LL={model.Fit!.LogLikelihood:F3} (-9582.4); " +
            $"{model.Fit.Customers} customers, {model.Fit.RepeatBuyers} repeat buyers, {model.Fit.Iterations} iterations, {model.Fit.Evaluations} evaluations");
        Assert.True(model.Fit.Converged);
        Assert.Equal(0.243, p.R, 0.01);
        Assert.Equal(4.414, p.Alpha, 0.01);
        Assert.Equal(0.793, p.A, 0.01);
        Assert.Equal(2.426, p.B, 0.01);
        Assert.Equal(-9582.4, model.Fit.LogLikelihood, 0.1);
        LikelihoodTests.AssertPerturbationsLower(model.Fit.LogLikelihood, [p.R, p.Alpha, p.A, p.B],
            v => BgNbdModel.LogLikelihood(new BgNbdParameters(v[0], v[1], v[2], v[3]), fits.Summary!));
    }

    [Fact]
    public void BgNbd_conditional_expectation_matches_the_paper()
    {
        if (fits.BgNbd is not { } model) { Skip(); return; }
        var expected = model.ConditionalExpectedPurchases(39, new CustomerSummary("example", 2, 30.43, 38.86));
        var alive = model.ProbabilityAlive(new CustomerSummary("example", 2, 30.43, 38.86));
        Report($"BG/NBD E[Y(39) | x=2, t_x=30.43, T=38.86] = {expected:F4} (1.226); P(alive) = {alive:F4}");
        Assert.Equal(1.226, expected, 0.001);
    }

    [Fact]
    public void BgNbd_unconditional_expectation_matches_the_paper()
    {
        if (fits.BgNbd is not { } model) { Skip(); return; }
        double[] times = [0.1429, 1, 3, 31.8571, 32, 78];
        double[] published = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
        var actual = times.Select(model.ExpectedPurchases).ToArray();
        Report("BG/NBD E[X(t)] at t = " + string.Join(", ", times.Select((t, i) => FormattableString.Invariant($"{t}: {actual[i]:F4} ({published[i]})"))));
        for (var i = 0; i < times.Length; i++) Assert.Equal(published[i], actual[i], 0.0005);
    }

    [Fact]
    public void ParetoNbd_estimates_match_the_published_values()
    {
        if (fits.ParetoNbd is not { } model) { Skip(); return; }
        var p = model.Parameters;
        var published = new ParetoNbdParameters(0.553, 10.578, 0.606, 11.669);
        Report($"Pareto/NBD: r={p.R:F4} (0.553, {Diff(p.R, published.R)}) alpha={p.Alpha:F4} (10.578, {Diff(p.Alpha, published.Alpha)}) " +
            $"s={p.S:F4} (0.606, {Diff(p.S, published.S)}) beta={p.Beta:F4} (11.669, {Diff(p.Beta, published.Beta)}) LL={model.Fit!.LogLikelihood:F3} (-9595.0); " +
            $"{model.Fit.Iterations} iterations, {model.Fit.Evaluations} evaluations; E[Y(39) | 2, 30.43, 38.86] = {model.ConditionalExpectedPurchases(39, new CustomerSummary("example", 2, 30.43, 38.86)):F4}");
        Assert.True(model.Fit.Converged);
        Assert.Equal(-9595.0, model.Fit.LogLikelihood, 0.1);
        Assert.Equal(published.R, p.R, published.R * 0.02);
        Assert.Equal(published.Alpha, p.Alpha, published.Alpha * 0.02);
        Assert.Equal(published.S, p.S, published.S * 0.02);
        Assert.Equal(published.Beta, p.Beta, published.Beta * 0.02);
        LikelihoodTests.AssertPerturbationsLower(model.Fit.LogLikelihood, [p.R, p.Alpha, p.S, p.Beta],
            v => ParetoNbdModel.LogLikelihood(new ParetoNbdParameters(v[0], v[1], v[2], v[3]), fits.Summary!));
    }

    [Fact]
    public void GammaGamma_estimates_match_the_paper()
    {
        if (fits.GammaGamma is not { } model) { Skip(); return; }
        var p = model.Parameters;
        Report($"Gamma-Gamma on {model.Fit!.Customers} repeat buyers: p={p.P:F4} (6.25, {Diff(p.P, 6.25)}) q={p.Q:F4} (3.74, {Diff(p.Q, 3.74)}) " +
            $"v={p.Gamma:F4} (15.45, {Diff(p.Gamma, 15.45)}) LL={model.Fit.LogLikelihood:F3}; population mean spend {p.Gamma * p.P / (p.Q - 1):F2}");
        Assert.True(model.Fit.Converged);
        Assert.Equal(946, model.Fit.Customers);
        Assert.Equal(6.25, p.P, 6.25 * 0.02);
        Assert.Equal(3.74, p.Q, 3.74 * 0.02);
        Assert.Equal(15.45, p.Gamma, 15.45 * 0.02);
        LikelihoodTests.AssertPerturbationsLower(model.Fit.LogLikelihood, [p.P, p.Q, p.Gamma],
            v => GammaGammaModel.LogLikelihood(new GammaGammaParameters(v[0], v[1], v[2]), fits.SummaryWithSpend!));
    }

    [Fact]
    public async Task Summary_builder_reproduces_the_published_summary()
    {
        if (Cdnow.Folder is not { } folder || fits.Summary is not { } published || fits.SummaryWithSpend is not { } withSpend) { Skip(); return; }
        await using var engine = new DuckDbEngine();
        var built = await CustomerSummaryBuilder.BuildAsync(engine, Cdnow.TransactionsSql(folder), new SummaryOptions(Cdnow.CalibrationEnd));
        var byId = built.ToDictionary(c => int.Parse(c.CustomerId, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var spendById = withSpend.ToDictionary(c => c.CustomerId);

        Assert.Equal(published.Count, built.Count);
        var worstTime = 0.0;
        var worstSpend = 0.0;
        foreach (var expected in published)
        {
            var actual = byId[expected.CustomerId];
            Assert.True(expected.Frequency == actual.Frequency, $"customer {expected.CustomerId}: frequency {actual.Frequency}, published {expected.Frequency}");
            // The published file rounds weeks to two decimals.
            worstTime = Math.Max(worstTime, Math.Max(Math.Abs(expected.Recency - actual.Recency), Math.Abs(expected.Age - actual.Age)));
            worstSpend = Math.Max(worstSpend, Math.Abs(spendById[expected.CustomerId].MonetaryValue - actual.MonetaryValue));
        }
        var refit = BgNbdModel.FitTo(built);
        Report($"Summary of CDNOW_sample.txt to 1997-09-30: {built.Count} customers, frequency sum {built.Sum(c => c.Frequency)} (2457), " +
            $"{built.Count(c => c.Frequency == 0)} without repeat (1411), largest |t_x or T difference| {worstTime:F4} weeks, largest |z̄ difference| {worstSpend:F4}; " +
            $"BG/NBD on it: LL={refit.Fit!.LogLikelihood:F3} r={refit.Parameters.R:F4} alpha={refit.Parameters.Alpha:F4} a={refit.Parameters.A:F4} b={refit.Parameters.B:F4}");
        Assert.Equal(2457, built.Sum(c => c.Frequency));
        Assert.True(worstTime <= 0.005 + 1e-9, $"a recency or age differs from the published summary by {worstTime} weeks");
        Assert.True(worstSpend <= 0.005 + 1e-9, $"a mean repeat spend differs from the published summary by {worstSpend}");
        Assert.Equal(-9582.4, refit.Fit.LogLikelihood, 0.5);
    }

    private void Skip()
    {
        output.WriteLine(Cdnow.Missing);
        console.WriteLine(Cdnow.Missing);
    }

    private void Report(FormattableString line)
    {
        var text = line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine(text);
        console.WriteLine(text);
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        console.WriteLine(line);
    }

    private static string Diff(double actual, double published)
        => FormattableString.Invariant($"{Math.Round((actual - published) / published * 100, 2):+0.00;-0.00;0.00}%");
}
