using System.Globalization;

namespace Cdp.Audiences.Definitions;

/// <summary>
/// Reads the <c>audiences:</c> section of cdp.yml (plain values from the project loader: dictionaries, lists, strings,
/// longs, doubles, booleans) into an <see cref="AudienceSet"/>. Every problem is reported at once, with its key path.
/// </summary>
/// <remarks>
/// <code>
/// audiences:
///   holdout: {percent: 5, salt: global-2026}          # the global control group
///   definitions:
///     win_back:
///       description: Customers at risk of churning.
///       channels: [email, ads]
///       priority: 20
///       holdout: 10                                   # percent; or {percent: 10, salt: win_back-v2}
///       fields: [email, phone, first_name, churn_probability]
///       requires: [churn_probability]                 # skipped (not an error) until the scores exist
///       include: [buyers]                             # also meets these audiences' conditions
///       exclude: [vip]                                # and none of these
///       where:
///         all:
///           - {column: churn_probability, op: '>=', value: 0.6}
///           - any: [{consent: email/marketing}, {segment: 'lapsed'}]
///           - not: {event: order, min_count: 1, within_days: 30}
///           - {model: lapsed_store_vips}              # in the rows of a SQL model (gold.lapsed_store_vips, person_id)
///   arbitration:                                      # see ReadArbitration
///     - {channel: ads, skip_when_contactable: email, when: {column: preferred_channel, op: '=', value: email}}
///   pressure:                                         # see ReadPressure
///     email: {contacts: 2, days: 7}
/// </code>
/// </remarks>
public static partial class AudienceConfig
{
    private const string At = "cdp.yml: audiences";
    private static readonly string[] SectionKeys = ["holdout", "definitions", "arbitration", "pressure"];
    private static readonly string[] DefinitionKeys = ["description", "channels", "priority", "holdout", "fields", "include", "exclude", "where", "requires"];
    private static readonly string[] HoldoutKeys = ["percent", "salt"];

    private static readonly Dictionary<string, ComparisonOperator> Operators = new(StringComparer.OrdinalIgnoreCase)
    {
        ["="] = ComparisonOperator.Equal,
        ["!="] = ComparisonOperator.NotEqual,
        ["<>"] = ComparisonOperator.NotEqual,
        ["<"] = ComparisonOperator.Less,
        ["<="] = ComparisonOperator.LessOrEqual,
        [">"] = ComparisonOperator.Greater,
        [">="] = ComparisonOperator.GreaterOrEqual,
        ["in"] = ComparisonOperator.In,
        ["not in"] = ComparisonOperator.NotIn,
        ["is null"] = ComparisonOperator.IsNull,
        ["is not null"] = ComparisonOperator.IsNotNull,
        ["between"] = ComparisonOperator.Between,
        ["contains"] = ComparisonOperator.Contains,
    };

    /// <exception cref="AudienceException">Every problem found, one per line.</exception>
    public static AudienceSet Read(IReadOnlyDictionary<string, object?>? section)
    {
        if (section is null) return AudienceSet.Empty;
        var errors = new List<string>();
        foreach (var key in section.Keys.Where(k => !SectionKeys.Contains(k)))
            errors.Add($"{At}.{key}: unknown key (use {string.Join(", ", SectionKeys)})");
        var global = section.TryGetValue("holdout", out var h) ? ReadHoldout(h, $"{At}.holdout", "global", errors) : HoldoutSettings.None;
        var audiences = new List<AudienceDefinition>();
        if (section.TryGetValue("definitions", out var definitions))
        {
            if (definitions is not IReadOnlyDictionary<string, object?> map)
            {
                errors.Add($"{At}.definitions: expected a mapping of audience name to its definition");
            }
            else
            {
                foreach (var (name, value) in map)
                {
                    if (ReadDefinition(name, value, errors) is { } definition) audiences.Add(definition);
                }
            }
        }
        var arbitration = section.TryGetValue("arbitration", out var a) ? ReadArbitration(a, $"{At}.arbitration", errors) : [];
        var pressure = section.TryGetValue("pressure", out var p) ? ReadPressure(p, $"{At}.pressure", errors) : ContactCaps.None;
        if (errors.Count > 0) throw new AudienceException(errors);
        return new AudienceSet(audiences, global) { Arbitration = arbitration, Pressure = pressure };
    }

    private static AudienceDefinition? ReadDefinition(string name, object? value, List<string> errors)
    {
        var at = $"{At}.definitions.{name}";
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsControl))
        {
            errors.Add($"{At}.definitions: an audience name must be non-empty and free of control characters");
            return null;
        }
        if (value is not IReadOnlyDictionary<string, object?> d)
        {
            errors.Add($"{at}: expected a mapping with {string.Join(", ", DefinitionKeys)}");
            return null;
        }
        var before = errors.Count;
        foreach (var key in d.Keys.Where(k => !DefinitionKeys.Contains(k)))
            errors.Add($"{at}.{key}: unknown key (use {string.Join(", ", DefinitionKeys)})");
        var description = d.GetValueOrDefault("description") as string;
        var channels = new List<Channel>();
        foreach (var (item, i) in Strings(d.GetValueOrDefault("channels"), $"{at}.channels", errors).Select((c, i) => (c, i)))
        {
            if (Enum.TryParse<Channel>(item, ignoreCase: true, out var channel) && !int.TryParse(item, CultureInfo.InvariantCulture, out _)) channels.Add(channel);
            else errors.Add($"{at}.channels[{i}]: '{item}' is not a channel (email, sms, ads)");
        }
        var priority = 0;
        if (d.TryGetValue("priority", out var p))
        {
            if (p is long l and >= 0 and <= int.MaxValue) priority = (int)l;
            else errors.Add($"{at}.priority: '{p}' is not a whole number of at least 0 (higher wins when audiences compete for a person)");
        }
        var holdout = d.TryGetValue("holdout", out var h) ? ReadHoldout(h, $"{at}.holdout", name, errors) : new HoldoutSettings(0, name);
        var fields = Strings(d.GetValueOrDefault("fields"), $"{at}.fields", errors);
        var requires = Strings(d.GetValueOrDefault("requires"), $"{at}.requires", errors);
        var parts = new List<Condition>();
        if (d.TryGetValue("where", out var where)) parts.Add(ReadCondition(where, $"{at}.where", errors));
        foreach (var (audience, i) in Strings(d.GetValueOrDefault("include"), $"{at}.include", errors).Select((a, i) => (a, i)))
            parts.Add(new AudienceReference(audience, $"{at}.include[{i}]"));
        foreach (var (audience, i) in Strings(d.GetValueOrDefault("exclude"), $"{at}.exclude", errors).Select((a, i) => (a, i)))
            parts.Add(new NotCondition(new AudienceReference(audience, $"{at}.exclude[{i}]"), $"{at}.exclude[{i}]"));
        if (parts.Count == 0) errors.Add($"{at}: no where, include or exclude (an audience of everyone needs an explicit `where: {{all: []}}`)");
        if (errors.Count > before) return null;
        var condition = parts.Count == 1 ? parts[0] : new AllCondition(parts, at);
        return new AudienceDefinition(name, description, channels.Distinct().ToList(), priority, holdout, fields, condition, at)
        {
            Requires = requires,
        };
    }

    private static HoldoutSettings ReadHoldout(object? value, string at, string defaultSalt, List<string> errors)
    {
        object? percent = value;
        var salt = defaultSalt;
        if (value is IReadOnlyDictionary<string, object?> map)
        {
            foreach (var key in map.Keys.Where(k => !HoldoutKeys.Contains(k)))
                errors.Add($"{at}.{key}: unknown key (use {string.Join(", ", HoldoutKeys)})");
            percent = map.GetValueOrDefault("percent");
            if (map.TryGetValue("salt", out var s))
            {
                if (s is string text && text.Length > 0) salt = text;
                else errors.Add($"{at}.salt: expected a non-empty string");
            }
            at += ".percent";
        }
        double? p = percent switch { long l => l, double x => x, _ => null };
        if (p is >= 0 and <= 100) return new HoldoutSettings(p.Value, salt);
        errors.Add($"{at}: '{percent}' is not a percentage between 0 and 100");
        return HoldoutSettings.None;
    }

    private static List<string> Strings(object? value, string at, List<string> errors)
    {
        if (value is null) return [];
        if (value is string single) return [single];
        if (value is not IEnumerable<object?> list)
        {
            errors.Add($"{at}: expected a list of names");
            return [];
        }
        var result = new List<string>();
        foreach (var (item, i) in list.Select((x, i) => (x, i)))
        {
            if (item is string s && s.Length > 0) result.Add(s);
            else errors.Add($"{at}[{i}]: expected a non-empty name");
        }
        return result;
    }

    private static Condition ReadCondition(object? value, string at, List<string> errors)
    {
        if (value is not IReadOnlyDictionary<string, object?> map || map.Count == 0)
            return Invalid(errors, at, "expected a mapping: all, any, not, column, consent, segment, event, model or audience");
        if (map.TryGetValue("all", out var all)) return OnlyKey(map, "all", at, errors) ?? new AllCondition(Children(all, $"{at}.all", errors), at);
        if (map.TryGetValue("any", out var any)) return OnlyKey(map, "any", at, errors) ?? new AnyCondition(Children(any, $"{at}.any", errors), at);
        if (map.TryGetValue("not", out var not)) return OnlyKey(map, "not", at, errors) ?? new NotCondition(ReadCondition(not, $"{at}.not", errors), at);
        if (map.ContainsKey("column")) return ReadColumn(map, at, errors);
        if (map.TryGetValue("consent", out var consent)) return ReadConsent(map, consent, at, errors);
        if (map.TryGetValue("segment", out var segment))
        {
            Unknown(map, ["segment"], at, errors);
            return segment is string or long ? new SegmentCondition(segment, at) : Invalid(errors, $"{at}.segment", "expected a segment name or number");
        }
        if (map.TryGetValue("event", out var activity)) return ReadEvent(map, activity, at, errors);
        if (map.TryGetValue("model", out var model))
        {
            Unknown(map, ["model"], at, errors);
            return model is string m && ModelName().IsMatch(m)
                ? new ModelCondition(m, at)
                : Invalid(errors, $"{at}.model", $"'{model}' is not a SQL model's relation (name or schema.name: letters, digits, _)");
        }
        if (map.TryGetValue("audience", out var audience))
        {
            Unknown(map, ["audience"], at, errors);
            return audience is string a && a.Length > 0 ? new AudienceReference(a, at) : Invalid(errors, $"{at}.audience", "expected an audience name");
        }
        return Invalid(errors, at, $"unknown condition with keys {string.Join(", ", map.Keys)} (use all, any, not, column, consent, segment, event, model or audience)");
    }

    private static Condition? OnlyKey(IReadOnlyDictionary<string, object?> map, string key, string at, List<string> errors)
    {
        if (map.Count == 1) return null;
        return Invalid(errors, at, $"'{key}' must be the only key of its mapping (found {string.Join(", ", map.Keys)})");
    }

    private static List<Condition> Children(object? value, string at, List<string> errors)
    {
        if (value is not IEnumerable<object?> list || value is string or IReadOnlyDictionary<string, object?>)
        {
            errors.Add($"{at}: expected a list of conditions");
            return [];
        }
        return list.Select((c, i) => ReadCondition(c, $"{at}[{i}]", errors)).ToList();
    }

    private static Condition ReadColumn(IReadOnlyDictionary<string, object?> map, string at, List<string> errors)
    {
        Unknown(map, ["column", "op", "value"], at, errors);
        if (map["column"] is not string column || column.Length == 0) return Invalid(errors, $"{at}.column", "expected a column name");
        if (map.GetValueOrDefault("op") is not string opText || !Operators.TryGetValue(opText.Trim(), out var op))
            return Invalid(errors, $"{at}.op", $"'{map.GetValueOrDefault("op")}' is not an operator (use {string.Join(", ", Operators.Keys.Where(k => k != "<>"))})");
        var hasValue = map.TryGetValue("value", out var raw);
        List<object> values;
        switch (op)
        {
            case ComparisonOperator.IsNull or ComparisonOperator.IsNotNull:
                if (hasValue) return Invalid(errors, $"{at}.value", $"'{opText}' takes no value");
                values = [];
                break;
            case ComparisonOperator.In or ComparisonOperator.NotIn or ComparisonOperator.Between:
                if (raw is not IEnumerable<object?> list || raw is string)
                    return Invalid(errors, $"{at}.value", op == ComparisonOperator.Between ? "expected a list of two values [low, high]" : "expected a list of values");
                values = [];
                foreach (var (item, i) in list.Select((x, i) => (x, i)))
                {
                    if (Scalar(item) is { } v) values.Add(v);
                    else errors.Add($"{at}.value[{i}]: expected a string, number or boolean");
                }
                if (op == ComparisonOperator.Between && values.Count != 2) return Invalid(errors, $"{at}.value", "between takes exactly two values [low, high]");
                if (values.Count == 0) return Invalid(errors, $"{at}.value", "expected at least one value");
                break;
            default:
                if (Scalar(raw) is not { } scalar) return Invalid(errors, $"{at}.value", "expected a string, number or boolean");
                values = [scalar];
                break;
        }
        return new ColumnCondition(column, op, values, at);
    }

    private static object? Scalar(object? value) => value is string or long or bool || value is double d && double.IsFinite(d) ? value : null;

    private static Condition ReadConsent(IReadOnlyDictionary<string, object?> map, object? consent, string at, List<string> errors)
    {
        Unknown(map, ["consent", "granted"], at, errors);
        var granted = true;
        if (map.TryGetValue("granted", out var g))
        {
            if (g is bool b) granted = b;
            else errors.Add($"{at}.granted: expected true or false");
        }
        var parts = (consent as string)?.Split('/');
        if (parts is not [var channel, var purpose] || channel.Length == 0 || purpose.Length == 0)
            return Invalid(errors, $"{at}.consent", "expected channel/purpose, e.g. email/marketing");
        return new ConsentCondition(channel, purpose, granted, at);
    }

    private static Condition ReadEvent(IReadOnlyDictionary<string, object?> map, object? activity, string at, List<string> errors)
    {
        Unknown(map, ["event", "min_count", "within_days"], at, errors);
        if (activity is not string type || type.Length == 0) return Invalid(errors, $"{at}.event", "expected an activity type (order, store_purchase, add_to_cart, email_open...)");
        var min = 1;
        if (map.TryGetValue("min_count", out var m))
        {
            if (m is long l and >= 0 and <= int.MaxValue) min = (int)l;
            else errors.Add($"{at}.min_count: '{m}' is not a whole number of at least 0");
        }
        int? within = null;
        if (map.TryGetValue("within_days", out var w))
        {
            if (w is long l and >= 1 and <= 36500) within = (int)l;
            else errors.Add($"{at}.within_days: '{w}' is not a number of days between 1 and 36500");
        }
        return new EventCondition(type, min, within, at);
    }

    private static void Unknown(IReadOnlyDictionary<string, object?> map, string[] allowed, string at, List<string> errors)
    {
        foreach (var key in map.Keys.Where(k => !allowed.Contains(k)))
            errors.Add($"{at}.{key}: unknown key (use {string.Join(", ", allowed)})");
    }

    private static Condition Invalid(List<string> errors, string at, string message)
    {
        errors.Add($"{at}: {message}");
        return new AllCondition([], at);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial System.Text.RegularExpressions.Regex ModelName();
}
