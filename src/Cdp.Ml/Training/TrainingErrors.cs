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

    public static TooFewExamplesException TooFewGroups(int positives, int negatives, int positiveGroups, int negativeGroups, int folds)
        => new(positives, negatives, folds, folds,
            Text($"The churn model cannot be cross-validated in {folds} folds that keep each person's rows together: ")
            + Text($"{positiveGroups} people have a positive label and {negativeGroups} a negative one, and every fold needs both. ")
            + "Use fewer folds, or widen the customer selection or the observation window.");

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

    public static ArgumentException FeatureColumnsDiffer(IReadOnlyList<string> modelNumeric, IReadOnlyList<string> modelCategorical,
        IReadOnlyList<string> tableNumeric, IReadOnlyList<string> tableCategorical)
    {
        var problems = new List<string>();
        foreach (var name in modelNumeric.Except(tableNumeric, StringComparer.Ordinal))
            problems.Add(tableCategorical.Contains(name, StringComparer.Ordinal) ? $"'{name}' is categorical in the table but numeric in the model" : $"missing numeric column '{name}'");
        foreach (var name in modelCategorical.Except(tableCategorical, StringComparer.Ordinal))
            problems.Add(tableNumeric.Contains(name, StringComparer.Ordinal) ? $"'{name}' is numeric in the table but categorical in the model" : $"missing categorical column '{name}'");
        problems.AddRange(tableNumeric.Except(modelNumeric, StringComparer.Ordinal).Where(n => !modelCategorical.Contains(n, StringComparer.Ordinal)).Select(n => $"extra numeric column '{n}'"));
        problems.AddRange(tableCategorical.Except(modelCategorical, StringComparer.Ordinal).Where(n => !modelNumeric.Contains(n, StringComparer.Ordinal)).Select(n => $"extra categorical column '{n}'"));
        if (problems.Count == 0) problems.Add($"the same columns in another order (numeric [{string.Join(", ", tableNumeric)}], categorical [{string.Join(", ", tableCategorical)}])");
        return new ArgumentException(
            $"The table's feature columns differ from the churn model's: {string.Join("; ", problems)}. "
            + $"The model expects numeric [{string.Join(", ", modelNumeric)}] and categorical [{string.Join(", ", modelCategorical)}], in that order; "
            + "build the table to score from ChurnModel.NumericColumns and ChurnModel.CategoricalColumns.", "table");
    }

    /// <summary>A stream that <see cref="ChurnModel.Load"/> cannot read: what is wrong with it and what to do.</summary>
    public static ModelFormatException NotAModel(string problem, string remedy, Exception? inner = null)
        => new($"Cannot load a churn model from the stream: {problem}. {remedy}", inner);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
