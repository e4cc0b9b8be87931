using System.Globalization;

namespace Cdp.Ml.Training;

/// <summary>The user-facing errors of model training, built in one place: what is wrong, with which numbers or column, and how to fix it.</summary>
internal static class TrainingErrors
{
    public static TooFewExamplesException TooFewExamples(int positives, int negatives, int minimumPositives, int minimumNegatives)
        => new(positives, negatives, minimumPositives, minimumNegatives,
            Text($"The churn model cannot be trained on {positives + negatives} rows with {positives} positive and {negatives} negative labels: ")
            + Text($"it needs at least {minimumPositives} positives and {minimumNegatives} negatives to cross-validate. ")
            + "Widen the customer selection or the observation window, or check that the label is not constant.");

    public static ArgumentException NoFeatures()
        => new("The training table has no feature columns: name at least one numeric or categorical column.");

    public static ArgumentException RaggedTable(string what, int labels, int numeric, int categorical)
        => new(Text($"The training table's {what} disagree: {labels} labels, {numeric} numeric rows, {categorical} categorical rows. Give one entry per row in each."));

    public static ArgumentException RaggedRow(int row, int numericColumns, int numericValues, int categoricalColumns, int categoricalValues)
        => new(Text($"Row {row} of the training table has {numericValues} numeric and {categoricalValues} categorical values, but the table declares {numericColumns} and {categoricalColumns} columns."));

    public static ArgumentException MissingColumn(string name, IEnumerable<string> present)
        => new($"The data view has no column '{name}'. Columns there: {string.Join(", ", present)}.");

    public static ArgumentException WrongColumnType(string name, string actual, string expected)
        => new($"Column '{name}' is of type {actual}, but {expected} is needed. Convert it before training.");

    public static ArgumentOutOfRangeException BadOption(string name, object value, string requirement)
        => new(name, value, $"{name} must be {requirement}.");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
