using System.Globalization;

namespace Cdp.Identity.Matching;

/// <summary>
/// Reads <see cref="MatchSettings"/> from a YAML file (the subset <see cref="YamlSubset"/> reads). Every mistake is
/// reported with the file and line, and unknown keys are refused rather than ignored, so a typo cannot silently
/// change a model. The format is documented in src/Cdp.Identity/README.md.
/// </summary>
public static class MatchSettingsReader
{
    private static readonly string[] TopKeys = ["unique_id", "blocking_rules", "comparisons", "link_threshold", "lambda", "seed", "max_pairs_for_u", "em"];
    private static readonly string[] ComparisonKeys = ["column", "levels", "term_frequency"];

    public static async Task<MatchSettings> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw MatchErrors.SettingsFileMissing(path);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, path);
    }

    /// <summary>Reads settings from YAML text; <paramref name="source"/> names it in errors.</summary>
    public static MatchSettings Parse(string text, string source = "settings")
    {
        var r = new Binder(source);
        var root = r.Map(YamlSubset.Parse(text, source), "the settings");
        r.OnlyKeys(root, TopKeys);
        var id = r.Text(r.Required(root, "unique_id"), "unique_id");
        var rulesNode = r.Required(root, "blocking_rules");
        var rules = r.List(rulesNode, "blocking_rules").Select(n => r.Text(n, "a blocking rule")).ToList();
        if (rules.Count == 0) throw r.Error(rulesNode, "blocking_rules needs at least one rule, e.g. 'l.surname = r.surname'");
        var comparisonsNode = r.Required(root, "comparisons");
        var comparisons = r.List(comparisonsNode, "comparisons").Select(r.Comparison).ToList();
        if (comparisons.Count == 0) throw r.Error(comparisonsNode, "comparisons needs at least one column");
        var threshold = r.Threshold(r.Required(root, "link_threshold"));

        double? lambda = null;
        if (r.Optional(root, "lambda") is { } l)
        {
            var value = r.Number(l, "lambda");
            if (value is <= 0 or >= 1) throw r.Error(l, $"lambda must be a probability strictly between 0 and 1, not {Format(value)}");
            lambda = value;
        }
        var settings = new MatchSettings(id, rules, comparisons, threshold, lambda);
        if (r.Optional(root, "seed") is { } seed) settings = settings with { Seed = (ulong)r.Whole(seed, "seed", 0, long.MaxValue) };
        if (r.Optional(root, "max_pairs_for_u") is { } maxPairs) settings = settings with { MaxPairsForU = r.Whole(maxPairs, "max_pairs_for_u", 1000, 100_000_000) };
        if (r.Optional(root, "em") is { } emNode)
        {
            var em = r.Map(emNode, "em");
            r.OnlyKeys(em, ["max_iterations", "tolerance"]);
            if (r.Optional(em, "max_iterations") is { } it) settings = settings with { MaxIterations = (int)r.Whole(it, "max_iterations", 1, 10_000) };
            if (r.Optional(em, "tolerance") is { } tol)
            {
                var value = r.Number(tol, "tolerance");
                if (value is <= 0 or >= 1) throw r.Error(tol, $"tolerance must be between 0 and 1, not {Format(value)}");
                settings = settings with { Tolerance = value };
            }
        }
        return settings;
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Binder(string source)
    {
        public MatchException Error(SettingsNode node, string problem) => MatchErrors.Settings(source, node.Line, problem);

        public SettingsMapping Map(SettingsNode node, string what)
            => node as SettingsMapping ?? throw Error(node, $"{what} must be a mapping of 'key: value' lines");

        public IReadOnlyList<SettingsNode> List(SettingsNode node, string what)
            => (node as SettingsSequence)?.Items ?? throw Error(node, $"{what} must be a list of '- item' lines");

        public string Text(SettingsNode node, string what)
            => node is SettingsScalar { Value: { Length: > 0 } v } ? v : throw Error(node, $"{what} must be a non-empty value");

        public double Number(SettingsNode node, string what)
        {
            var text = Text(node, what);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v
                : throw Error(node, $"{what} must be a number, not '{text}'");
        }

        public long Whole(SettingsNode node, string what, long min, long max)
        {
            var text = Text(node, what);
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) throw Error(node, $"{what} must be a whole number, not '{text}'");
            if (v < min || v > max) throw Error(node, $"{what} must be between {min} and {max}, not {v}");
            return v;
        }

        public bool Flag(SettingsNode node, string what) => Text(node, what).ToLowerInvariant() switch
        {
            "true" or "yes" => true,
            "false" or "no" => false,
            var other => throw Error(node, $"{what} must be true or false, not '{other}'"),
        };

        public SettingsNode? Optional(SettingsMapping map, string key) => map.Entries.FirstOrDefault(e => e.Key == key).Value;

        public SettingsNode Required(SettingsMapping map, string key)
            => Optional(map, key) ?? throw Error(map, $"'{key}' is required");

        public void OnlyKeys(SettingsMapping map, string[] allowed)
        {
            foreach (var (key, _, line) in map.Entries)
            {
                if (!allowed.Contains(key)) throw MatchErrors.Settings(source, line, $"unknown key '{key}'; expected one of: {string.Join(", ", allowed)}");
            }
        }

        public Comparison Comparison(SettingsNode node)
        {
            var map = Map(node, "a comparison");
            OnlyKeys(map, ComparisonKeys);
            var column = Text(Required(map, "column"), "column");
            var levelsNode = Required(map, "levels");
            var levels = List(levelsNode, "levels").Select(Level).ToList();
            var elseAt = levels.FindIndex(l => l.Kind == LevelKind.Else);
            if (elseAt >= 0 && elseAt != levels.Count - 1) throw Error(levelsNode, $"in comparison '{column}', 'else' must be the last level");
            if (elseAt < 0) levels.Add(ComparisonLevel.Else);
            if (levels.Count < 2) throw Error(levelsNode, $"comparison '{column}' needs at least one level besides 'else', e.g. 'exact'");
            var tf = Optional(map, "term_frequency") is { } t && Flag(t, "term_frequency");
            if (tf && !levels.Any(l => l.Kind == LevelKind.Exact)) throw Error(levelsNode, $"term_frequency on '{column}' adjusts the 'exact' level, which it does not have");
            return new Comparison(column, levels, tf);
        }

        private ComparisonLevel Level(SettingsNode node)
        {
            const string Kinds = "exact, jaro_winkler: <0..1>, levenshtein: <n>, date_within_days: <n>, same_year, else";
            if (node is SettingsScalar s)
            {
                return s.Value switch
                {
                    "exact" => ComparisonLevel.Exact,
                    "same_year" => new ComparisonLevel(LevelKind.SameYear),
                    "else" => ComparisonLevel.Else,
                    _ => throw Error(node, $"unknown level '{s.Value}'; expected one of: {Kinds}"),
                };
            }
            var map = Map(node, "a level");
            if (map.Entries.Count != 1) throw Error(node, $"a level is one of: {Kinds}");
            var (key, valueNode, _) = map.Entries[0];
            switch (key)
            {
                case "jaro_winkler":
                    var t = Number(valueNode, "jaro_winkler");
                    if (t is <= 0 or > 1) throw Error(valueNode, $"jaro_winkler threshold must be in (0, 1], not {Format(t)}");
                    return new ComparisonLevel(LevelKind.JaroWinkler, t);
                case "levenshtein":
                    return new ComparisonLevel(LevelKind.Levenshtein, Whole(valueNode, "levenshtein", 0, 1000));
                case "date_within_days":
                    return new ComparisonLevel(LevelKind.DateWithinDays, Whole(valueNode, "date_within_days", 0, 1_000_000));
                default:
                    throw Error(node, $"unknown level '{key}'; expected one of: {Kinds}");
            }
        }

        public LinkThreshold Threshold(SettingsNode node)
        {
            var map = Map(node, "link_threshold");
            OnlyKeys(map, ["probability", "weight"]);
            if (map.Entries.Count != 1) throw Error(node, "link_threshold takes one of 'probability: <0..1>' or 'weight: <log2 odds>'");
            var (key, valueNode, _) = map.Entries[0];
            var value = Number(valueNode, key);
            if (key == "weight") return LinkThreshold.Weight(value);
            if (value is <= 0 or >= 1) throw Error(valueNode, $"link_threshold probability must be strictly between 0 and 1, not {Format(value)}");
            return LinkThreshold.Probability(value);
        }
    }
}
