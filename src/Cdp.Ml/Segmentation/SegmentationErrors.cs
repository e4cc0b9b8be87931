using System.Globalization;

namespace Cdp.Ml.Segmentation;

/// <summary>The user-facing errors of segmentation, built in one place: what is wrong, where, and how to fix it.</summary>
internal static class SegmentationErrors
{
    public static ArgumentException NoFeatures()
        => new("There are no features to segment on: declare at least one numeric feature (for example expected value or recency).");

    public static ArgumentException IncompleteFeature(SegmentFeature feature)
        => new($"The feature '{feature.Name}' needs a name, a label and words for high and low values (for example \"high value\" and \"low value\").");

    public static ArgumentException DuplicateFeature(string name)
        => new($"The feature '{name}' is declared twice: give each feature one column.");

    public static ArgumentException RaggedInput(int personIds, int rows)
        => new(Text($"The segmentation input has {personIds} person ids but {rows} rows of values: give one row per person."));

    public static ArgumentException RaggedRow(int row, long person, int features, int values)
        => new(Text($"Row {row} (person {person}) has {values} values, but {features} features are declared: give one value per feature, NaN when missing."));

    public static ArgumentException DuplicatePerson(long person, int first, int again)
        => new(Text($"Person {person} appears twice (rows {first} and {again}): give each person one row."));

    public static ArgumentException NotFinite(int row, long person, string feature, double value)
        => new(Text($"Person {person} (row {row}) has {feature} = {value}: use NaN for a missing value, and cap or correct extreme ones."));

    public static ArgumentException NegativeForLog(int row, long person, string feature, double value)
        => new(Text($"Person {person} (row {row}) has {feature} = {value}, but '{feature}' is log-transformed, which needs values of 0 or more: turn LogTransform off for it or correct the value."));

    public static ArgumentException TooFewPersons(int persons, int segments, string option)
        => new(Text($"{persons} persons cannot be split into {segments} segments: lower {option} to at most {persons}, or segment more persons."));

    public static ArgumentException TooFewDistinct(int distinct, int segments, string option)
        => new(Text($"The persons have only {distinct} distinct combinations of feature values, too few for {segments} segments: lower {option} to at most {distinct}, or add features that tell persons apart."));

    public static ArgumentException NothingToCluster(IEnumerable<string> notes)
        => new("No feature varies between persons, so there is nothing to segment on: " + string.Join(" ", notes));

    public static ArgumentException UnknownPrimary(string name, IEnumerable<string> present)
        => new($"The primary feature '{name}' is not one of the features: {string.Join(", ", present)}.");

    public static ArgumentOutOfRangeException BadOption(string name, object? value, string requirement)
        => new(name, value, $"{name} must be {requirement}.");

    public static string Constant(string feature, double value)
        => Text($"'{feature}' was left out: it is {value:G6} for every person (after filling missing values with the median).");

    public static string AllMissing(string feature)
        => $"'{feature}' was left out: every person is missing it.";

    public static string PrimaryLeftOut(string requested, string used)
        => $"The primary feature '{requested}' was left out, so segments are ordered by '{used}' instead.";

    public static string RangeCut(int distinct)
        => Text($"The persons have only {distinct} distinct combinations of feature values, so no more than {distinct} segments were tried.");

    public static string EmptySegments(int requested, int kept)
        => Text($"k-means left {requested - kept} of {requested} segments empty (too few distinct persons); {kept} segments are reported.");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
