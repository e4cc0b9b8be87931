using System.Globalization;
using Cdp.Identity.Graph;

namespace Cdp.Identity.Resolution;

/// <summary>
/// Reads the <c>identity:</c> section of cdp.yml (plain values from the project loader) into <see cref="IdentityRules"/>.
/// Keys left out keep <see cref="IdentityRules.Default"/>'s value; every problem is reported at once with its key path.
/// </summary>
public static class IdentityConfig
{
    private const string At = "cdp.yml: identity";
    private static readonly string[] SectionKeys = ["types", "blocklist", "max_anchor_links", "health", "matching"];
    private static readonly string[] TypeKeys = ["role", "priority", "max_per_person"];
    private static readonly string[] MatchingKeys = ["relation", "identifier_type", "settings", "priority"];
    private static readonly string[] HealthKeys = ["max_cluster_anchors", "max_blocked_edges_per_value", "max_merge_ratio", "max_split_ratio"];

    /// <param name="projectRoot">Relative matching settings paths are resolved against it.</param>
    /// <exception cref="IdentityException">Every problem found, one per line.</exception>
    public static IdentityRules Read(IReadOnlyDictionary<string, object?>? section, string? projectRoot = null)
    {
        var rules = IdentityRules.Default;
        if (section is null) return rules;
        var errors = new List<string>();
        foreach (var key in section.Keys.Where(k => !SectionKeys.Contains(k)))
            errors.Add($"{At}.{key}: unknown key (use {string.Join(", ", SectionKeys)})");

        if (section.TryGetValue("types", out var types))
            rules = rules with { Types = ReadTypes(types, errors) };
        if (section.TryGetValue("blocklist", out var blocklist))
            rules = rules with { Blocklist = ReadBlocklist(blocklist, errors) };
        if (section.TryGetValue("max_anchor_links", out var links))
            rules = rules with { MaxAnchorLinks = Integer(links, $"{At}.max_anchor_links", errors, min: 1) ?? rules.MaxAnchorLinks };
        if (section.TryGetValue("health", out var health))
            rules = rules with { Health = ReadHealth(health, rules.Health, errors) };
        if (section.TryGetValue("matching", out var matching))
            rules = rules with { Matching = ReadMatching(matching, rules, projectRoot ?? ".", errors) };

        if (errors.Count > 0) throw new IdentityException(string.Join('\n', errors));
        return rules;
    }

    private static List<IdentifierTypeRule> ReadTypes(object? value, List<string> errors)
    {
        var result = new List<IdentifierTypeRule>();
        if (value is not IReadOnlyDictionary<string, object?> map || map.Count == 0)
        {
            errors.Add($"{At}.types: expected a mapping of identifier type to {{role, priority, max_per_person}}");
            return result;
        }
        foreach (var (name, settings) in map)
        {
            var at = $"{At}.types.{name}";
            if (settings is not IReadOnlyDictionary<string, object?> s)
            {
                errors.Add($"{at}: expected a mapping with role and priority");
                continue;
            }
            foreach (var key in s.Keys.Where(k => !TypeKeys.Contains(k)))
                errors.Add($"{at}.{key}: unknown key (use {string.Join(", ", TypeKeys)})");
            IdentifierRole? role = s.GetValueOrDefault("role") switch
            {
                "anchor" => IdentifierRole.Anchor,
                "record" => IdentifierRole.Record,
                "soft" => IdentifierRole.Soft,
                null => Error(errors, $"{at}.role: missing (anchor, record or soft)"),
                var other => Error(errors, $"{at}.role: '{other}' is not a role (anchor, record or soft)"),
            };
            var priority = s.TryGetValue("priority", out var p) ? Integer(p, $"{at}.priority", errors, min: 0) : Error<int>(errors, $"{at}.priority: missing (a whole number; higher is stronger)");
            var max = s.TryGetValue("max_per_person", out var m) && m is not null ? Integer(m, $"{at}.max_per_person", errors, min: 1) : null;
            if (role is { } r && priority is { } pr) result.Add(new IdentifierTypeRule(name, r, pr, max));
        }
        return result;
    }

    private static List<BlockedValue> ReadBlocklist(object? value, List<string> errors)
    {
        var result = new List<BlockedValue>();
        if (value is not IReadOnlyDictionary<string, object?> map)
        {
            errors.Add($"{At}.blocklist: expected a mapping of identifier type (or 'any') to a list of values");
            return result;
        }
        foreach (var (type, values) in map)
        {
            if (values is not IEnumerable<object?> list || values is string)
            {
                errors.Add($"{At}.blocklist.{type}: expected a list of values");
                continue;
            }
            foreach (var v in list)
            {
                var text = Convert.ToString(v, CultureInfo.InvariantCulture);
                if (string.IsNullOrEmpty(text)) errors.Add($"{At}.blocklist.{type}: empty value");
                else result.Add(new BlockedValue(type == "any" ? null : type, text));
            }
        }
        return result;
    }

    private static List<MatchingRule> ReadMatching(object? value, IdentityRules rules, string projectRoot, List<string> errors)
    {
        var result = new List<MatchingRule>();
        if (value is not IReadOnlyDictionary<string, object?> map)
        {
            errors.Add($"{At}.matching: expected a mapping of name to {{{string.Join(", ", MatchingKeys)}}}");
            return result;
        }
        foreach (var (name, settings) in map)
        {
            var at = $"{At}.matching.{name}";
            if (settings is not IReadOnlyDictionary<string, object?> s)
            {
                errors.Add($"{at}: expected a mapping with {string.Join(", ", MatchingKeys)}");
                continue;
            }
            foreach (var key in s.Keys.Where(k => !MatchingKeys.Contains(k)))
                errors.Add($"{at}.{key}: unknown key (use {string.Join(", ", MatchingKeys)})");
            var relation = s.GetValueOrDefault("relation") as string;
            var type = s.GetValueOrDefault("identifier_type") as string;
            var path = s.GetValueOrDefault("settings") as string;
            if (string.IsNullOrWhiteSpace(relation)) errors.Add($"{at}.relation: missing (the records to match, e.g. silver.stg_crm_customers)");
            if (string.IsNullOrWhiteSpace(type)) errors.Add($"{at}.identifier_type: missing (the type of the settings' unique_id values)");
            else if (rules.Find(type) is null) errors.Add($"{at}.identifier_type: '{type}' is not declared under identity.types");
            if (string.IsNullOrWhiteSpace(path)) errors.Add($"{at}.settings: missing (a matching settings file, see src/Cdp.Identity/README.md)");
            else if (!File.Exists(Path.Combine(projectRoot, path))) errors.Add($"{at}.settings: file '{path}' not found under {Path.GetFullPath(projectRoot)}");
            var priority = s.TryGetValue("priority", out var p) ? Integer(p, $"{at}.priority", errors, min: 0) : 10;
            if (!string.IsNullOrWhiteSpace(relation) && !string.IsNullOrWhiteSpace(type) && !string.IsNullOrWhiteSpace(path) && priority is { } pr)
                result.Add(new MatchingRule(name, relation, type, Path.GetFullPath(Path.Combine(projectRoot, path)), pr));
        }
        return result;
    }

    private static HealthThresholds ReadHealth(object? value, HealthThresholds defaults, List<string> errors)
    {
        if (value is not IReadOnlyDictionary<string, object?> map)
        {
            errors.Add($"{At}.health: expected a mapping ({string.Join(", ", HealthKeys)})");
            return defaults;
        }
        foreach (var key in map.Keys.Where(k => !HealthKeys.Contains(k)))
            errors.Add($"{At}.health.{key}: unknown key (use {string.Join(", ", HealthKeys)})");
        return new HealthThresholds(
            map.TryGetValue("max_cluster_anchors", out var a) ? Integer(a, $"{At}.health.max_cluster_anchors", errors, 1) ?? defaults.MaxClusterAnchors : defaults.MaxClusterAnchors,
            map.TryGetValue("max_blocked_edges_per_value", out var b) ? Integer(b, $"{At}.health.max_blocked_edges_per_value", errors, 0) ?? defaults.MaxBlockedEdgesPerValue : defaults.MaxBlockedEdgesPerValue,
            map.TryGetValue("max_merge_ratio", out var m) ? Ratio(m, $"{At}.health.max_merge_ratio", errors) ?? defaults.MaxMergeRatio : defaults.MaxMergeRatio,
            map.TryGetValue("max_split_ratio", out var s) ? Ratio(s, $"{At}.health.max_split_ratio", errors) ?? defaults.MaxSplitRatio : defaults.MaxSplitRatio);
    }

    private static int? Integer(object? value, string at, List<string> errors, int min)
    {
        if (value is long l && l >= min && l <= int.MaxValue) return (int)l;
        errors.Add($"{at}: '{value}' is not a whole number of at least {min}");
        return null;
    }

    private static double? Ratio(object? value, string at, List<string> errors)
    {
        double? d = value switch { long l => l, double x => x, _ => null };
        if (d is >= 0 and <= 1) return d;
        errors.Add($"{at}: '{value}' is not a ratio between 0 and 1");
        return null;
    }

    private static IdentifierRole? Error(List<string> errors, string message)
    {
        errors.Add(message);
        return null;
    }

    private static T? Error<T>(List<string> errors, string message) where T : struct
    {
        errors.Add(message);
        return null;
    }
}
