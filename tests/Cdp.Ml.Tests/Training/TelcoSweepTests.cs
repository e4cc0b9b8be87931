using System.Diagnostics;
using System.Globalization;
using Cdp.Ml.Training;
using Xunit.Abstractions;

namespace Cdp.Ml.Tests.Training;

/// <summary>The sweep on Telco churn: a cross-validated AUC in the range the data is known for, figures printed for passing runs too.</summary>
public sealed class TelcoSweepTests(ITestOutputHelper output, TestConsole console) : IClassFixture<TestConsole>
{
    [Fact]
    public void Sweep_reaches_the_known_auc_without_leakage_and_keeps_blank_total_charges()
    {
        if (Telco.Folder is not { } folder) { Report(Telco.Missing); return; }
        var (table, blanks) = Telco.Load(folder);
        Assert.Equal(11, blanks);
        Assert.Equal(7043, table.Rows);
        Assert.DoesNotContain("customerID", table.CategoricalColumns);

        var clock = Stopwatch.StartNew();
        var result = ChurnSweep.Run(table, new SweepOptions { Seed = 42, Folds = 5, MaxTrials = 9, TimeBudget = TimeSpan.FromMinutes(2) });
        clock.Stop();

        foreach (var trial in result.Trials)
            Report(Text($"Telco trial {trial.Index}: {trial.Configuration} mean AUC {trial.MeanAuc:F4} folds [{string.Join(", ", trial.FoldAuc.Select(a => a.ToString("F4", CultureInfo.InvariantCulture)))}] {trial.Elapsed.TotalSeconds:F1}s"));
        var m = result.Metrics;
        Report(Text($"Telco best: {result.Best.Configuration}; 5-fold mean AUC {result.Best.MeanAuc:F4}; out-of-fold calibrated: AUC {m.Auc:F4}, PR-AUC {m.PrAuc:F4}, log-loss {m.LogLoss:F4}, Brier {m.Brier:F4}, top-decile lift {m.TopDecileLift:F2}; Platt A={result.Calibration.A:F4} B={result.Calibration.B:F4}"));
        Report(Text($"Telco rows {result.Rows} ({result.Positives} churned), blank TotalCharges kept: {result.MissingNumeric["TotalCharges"]}; {result.Trials.Count} trials in {clock.Elapsed.TotalSeconds:F1}s"));
        Report("Telco calibration: " + string.Join("; ", m.Calibration.Where(b => b.Count > 0)
            .Select(b => Text($"[{b.Lower:F1},{b.Upper:F1}) n={b.Count} pred={b.MeanPredicted:F3} obs={b.ObservedRate:F3}"))));
        Report("Telco importance (AUC drop): " + string.Join(", ", result.Importance.Take(6).Select(i => Text($"{i.Column} {i.AucDrop:F4}"))));

        Assert.Equal(11, result.MissingNumeric["TotalCharges"]);
        Assert.Equal(7043, result.Rows);
        Assert.False(result.StoppedByBudget);
        Assert.Equal(9, result.Trials.Count);
        Assert.InRange(result.Best.MeanAuc, 0.83, 0.88);
        Assert.InRange(m.TopDecileLift, 2.0, 3.77);
        Assert.InRange(m.Brier, 0.12, 0.16);
        Assert.Equal(table.Rows, m.Calibration.Sum(b => b.Count));
        Assert.Contains(result.Importance.Take(5), i => i.Column is "Contract" or "tenure");
        var probabilities = result.Model.Probabilities(table);
        Assert.Equal(table.Rows, probabilities.Count);
        using var saved = new MemoryStream();
        result.Model.Save(saved);
        Assert.Equal(probabilities, ChurnModel.Load(new MemoryStream(saved.ToArray())).Probabilities(table));
        Report(Text($"Telco saved model: {saved.Length:N0} bytes; reloaded scores identical on {table.Rows} rows"));
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private void Report(string line)
    {
        output.WriteLine(line);
        console.WriteLine(line);
    }
}
