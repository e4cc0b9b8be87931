using System.Globalization;
using Cdp.Ml.Training;
using Cdp.Testing;

namespace Cdp.Ml.Tests.Training;

/// <summary>
/// IBM's Telco customer churn sample read in place from shared/data/ml/telco-churn (see SOURCE.txt there): 7,043
/// customers, 26.5% churned, 11 blank TotalCharges (all tenure 0). customerID is left out: an identifier as a feature
/// only lets a model memorise rows.
/// </summary>
public static class Telco
{
    public const string FileName = "WA_Fn-UseC_-Telco-Customer-Churn.csv";

    public static string? Folder => RepositoryPaths.SharedData is { } d && File.Exists(Path.Combine(d, "ml", "telco-churn", FileName))
        ? Path.Combine(d, "ml", "telco-churn")
        : null;

    public const string Missing = "SKIPPED: shared/data/ml/telco-churn is absent (set CDP_TEST_DATA to the shared data folder).";

    private static readonly string[] NumericColumns = ["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"];
    private const string Label = "Churn";
    private const string Identifier = "customerID";

    /// <summary>The table, and how many rows had a blank TotalCharges (kept, as NaN).</summary>
    public static (TrainingTable Table, int BlankTotalCharges) Load(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, FileName));
        var header = lines[0].Split(',');
        var numeric = NumericColumns.Select(n => Array.IndexOf(header, n)).ToArray();
        var categoricalNames = header.Where(h => h != Identifier && h != Label && !NumericColumns.Contains(h)).ToArray();
        var categorical = categoricalNames.Select(n => Array.IndexOf(header, n)).ToArray();
        var label = Array.IndexOf(header, Label);
        var blanks = 0;
        var numbers = new List<double[]>();
        var categories = new List<string?[]>();
        var labels = new List<bool>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var fields = line.Split(',');
            numbers.Add(numeric.Select(i => Number(fields[i])).ToArray());
            if (string.IsNullOrWhiteSpace(fields[Array.IndexOf(header, "TotalCharges")])) blanks++;
            categories.Add(categorical.Select(i => (string?)fields[i]).ToArray());
            labels.Add(fields[label] == "Yes");
        }
        return (new TrainingTable(NumericColumns, categoricalNames, numbers, categories, labels), blanks);
    }

    private static double Number(string text)
        => string.IsNullOrWhiteSpace(text) ? double.NaN : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
