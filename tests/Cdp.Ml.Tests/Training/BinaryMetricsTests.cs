using Cdp.Ml.Training;

namespace Cdp.Ml.Tests.Training;

public class BinaryMetricsTests
{
    [Fact]
    public void Auc_of_a_tiny_example_counts_ordered_pairs_and_half_ties()
    {
        // Positives 0.8, 0.4; negatives 0.6, 0.4, 0.2: pairs won 0.8>0.6, 0.8>0.4, 0.8>0.2, 0.4>0.2, tie 0.4=0.4 → 4.5 of 6.
        double[] scores = [0.8, 0.6, 0.4, 0.4, 0.2];
        bool[] labels = [true, false, true, false, false];
        Assert.Equal(0.75, BinaryMetrics.Auc(scores, labels), 12);
        Assert.Equal(1.0, BinaryMetrics.Auc([0.9, 0.8, 0.1], [true, true, false]), 12);
        Assert.Equal(0.0, BinaryMetrics.Auc([0.1, 0.8, 0.9], [true, false, false]), 12);
    }

    [Fact]
    public void Average_precision_of_a_tiny_example()
    {
        // Ranked: +, -, +, -: precision at the positives 1 and 2/3, each half the recall → (1 + 2/3) / 2.
        Assert.Equal((1 + 2.0 / 3) / 2, BinaryMetrics.AveragePrecision([0.9, 0.7, 0.5, 0.1], [true, false, true, false]), 12);
    }

    [Fact]
    public void Lift_of_a_hand_made_example()
    {
        // 20 rows, 4 positives (rate 0.2); the top decile is the 2 highest scores, one of them positive: 0.5 / 0.2 = 2.5.
        var scores = Enumerable.Range(0, 20).Select(i => (double)(20 - i)).ToArray();
        var labels = new bool[20];
        labels[0] = labels[5] = labels[10] = labels[15] = true;
        Assert.Equal(2.5, BinaryMetrics.Lift(scores, labels, 0.1), 12);
        labels[1] = true; labels[15] = false;
        Assert.Equal(5.0, BinaryMetrics.Lift(scores, labels, 0.1), 12);
    }

    [Fact]
    public void Calibration_table_has_ten_bins_whose_counts_and_positives_sum_to_the_totals()
    {
        var random = new Random(7);
        var p = Enumerable.Range(0, 1000).Select(_ => random.NextDouble()).Append(1.0).Append(0.0).ToArray();
        var labels = p.Select(x => random.NextDouble() < x).ToArray();
        var table = BinaryMetrics.CalibrationTable(p, labels, 10);
        Assert.Equal(10, table.Count);
        Assert.Equal(p.Length, table.Sum(b => b.Count));
        Assert.Equal(labels.Count(l => l), table.Sum(b => b.Positives));
        Assert.Equal(p.Sum(), table.Where(b => b.Count > 0).Sum(b => b.MeanPredicted * b.Count), 9);
        Assert.All(table.Where(b => b.Count > 0), b => Assert.InRange(b.MeanPredicted, b.Lower, b.Upper));
        Assert.Equal(1.0, table[^1].Upper);
    }

    [Fact]
    public void Log_loss_and_brier_of_a_tiny_example()
    {
        double[] p = [0.8, 0.3];
        bool[] y = [true, false];
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.7)) / 2, BinaryMetrics.LogLoss(p, y), 12);
        Assert.Equal((0.04 + 0.09) / 2, BinaryMetrics.Brier(p, y), 12);
    }

    [Fact]
    public void Platt_calibration_recovers_a_logistic_link()
    {
        var random = new Random(3);
        var scores = Enumerable.Range(0, 20000).Select(_ => random.NextDouble() * 8 - 4).ToArray();
        var labels = scores.Select(s => random.NextDouble() < 1 / (1 + Math.Exp(-(1.5 * s - 0.5)))).ToArray();
        var platt = PlattCalibration.Fit(scores, labels);
        Assert.Equal(1.5, platt.A, 0.1);
        Assert.Equal(-0.5, platt.B, 0.1);
    }
}
