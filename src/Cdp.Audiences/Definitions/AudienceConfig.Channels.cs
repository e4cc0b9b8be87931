using System.Globalization;

namespace Cdp.Audiences.Definitions;

/// <summary>The channel policies of the <c>audiences:</c> section: arbitration between channels and contact caps.</summary>
public static partial class AudienceConfig
{
    private static readonly string[] ArbitrationKeys = ["channel", "skip_when_contactable", "when"];
    private static readonly string[] CapKeys = ["contacts", "days"];
    private const int MaxCapDays = 3650;

    /// <summary>
    /// <c>arbitration:</c>, a list of rules <c>{channel, skip_when_contactable, when}</c>. A member contactable on
    /// <c>skip_when_contactable</c> in an audience, who meets <c>when</c> (any condition; absent: everyone), is not
    /// contactable on <c>channel</c> in that audience. A channel a rule turns off may not be another rule's
    /// <c>skip_when_contactable</c>: the rules read the flags before any arbitration, and a chain would leave a member
    /// on neither channel. So the result never depends on the rules' order, and whoever is arbitrated away on one
    /// channel is still contactable on the other.
    /// </summary>
    private static List<ArbitrationRule> ReadArbitration(object? value, string at, List<string> errors)
    {
        if (value is not IEnumerable<object?> list || value is string or IReadOnlyDictionary<string, object?>)
        {
            errors.Add($"{at}: expected a list of rules like {{channel: ads, skip_when_contactable: email, when: {{column: preferred_channel, op: '=', value: email}}}}");
            return [];
        }
        var rules = new List<ArbitrationRule>();
        foreach (var (item, i) in list.Select((x, i) => (x, i)))
        {
            var ruleAt = $"{at}[{i}]";
            if (item is not IReadOnlyDictionary<string, object?> map)
            {
                errors.Add($"{ruleAt}: expected a mapping with {string.Join(", ", ArbitrationKeys)}");
                continue;
            }
            var before = errors.Count;
            Unknown(map, ArbitrationKeys, ruleAt, errors);
            var channel = RequiredChannel(map, "channel", ruleAt, errors);
            var skip = RequiredChannel(map, "skip_when_contactable", ruleAt, errors);
            if (channel is { } c && c == skip)
                errors.Add($"{ruleAt}.skip_when_contactable: '{Name(c)}' is the rule's own channel; name the channel that reaches the person instead");
            Condition? when = map.TryGetValue("when", out var w) ? ReadCondition(w, $"{ruleAt}.when", errors) : null;
            if (errors.Count == before) rules.Add(new ArbitrationRule(channel!.Value, skip!.Value, when, ruleAt));
        }
        foreach (var rule in rules)
        {
            if (rules.FirstOrDefault(r => r.Channel == rule.SkipWhenContactable) is { } other)
            {
                errors.Add($"{rule.Path}.skip_when_contactable: '{Name(rule.SkipWhenContactable)}' is itself turned off by {other.Path}; " +
                           "chained rules could leave a member on neither channel: arbitrate against a channel no rule turns off");
            }
        }
        return rules;
    }

    /// <summary>
    /// <c>pressure:</c>, a mapping of channel to <c>{contacts, days}</c>: at most that many contacts of one person on the
    /// channel within any window of that many days, across all audiences and destinations.
    /// </summary>
    private static ContactCaps ReadPressure(object? value, string at, List<string> errors)
    {
        if (value is not IReadOnlyDictionary<string, object?> map)
        {
            errors.Add($"{at}: expected a mapping of channel to {{contacts, days}}, e.g. {{email: {{contacts: 2, days: 7}}}}");
            return ContactCaps.None;
        }
        var caps = new Dictionary<Channel, ContactCap>();
        foreach (var (name, entry) in map)
        {
            var capAt = $"{at}.{name}";
            if (ParseChannel(name) is not { } channel)
            {
                errors.Add($"{capAt}: '{name}' is not a channel (email, sms, ads)");
                continue;
            }
            if (entry is not IReadOnlyDictionary<string, object?> cap)
            {
                errors.Add($"{capAt}: expected {{contacts, days}}, e.g. {{contacts: 2, days: 7}}");
                continue;
            }
            var before = errors.Count;
            Unknown(cap, CapKeys, capAt, errors);
            var contacts = WholeNumber(cap, "contacts", 1, int.MaxValue, capAt, "a whole number of contacts of at least 1", errors);
            var days = WholeNumber(cap, "days", 1, MaxCapDays, capAt, $"a number of days between 1 and {MaxCapDays}", errors);
            if (errors.Count == before) caps[channel] = new ContactCap(contacts, days);
        }
        return new ContactCaps(caps);
    }

    private static Channel? RequiredChannel(IReadOnlyDictionary<string, object?> map, string key, string at, List<string> errors)
    {
        if (!map.TryGetValue(key, out var value))
        {
            errors.Add($"{at}.{key}: missing (email, sms or ads)");
            return null;
        }
        if (value is string text && ParseChannel(text) is { } channel) return channel;
        errors.Add($"{at}.{key}: '{value}' is not a channel (email, sms, ads)");
        return null;
    }

    private static int WholeNumber(IReadOnlyDictionary<string, object?> map, string key, int min, int max, string at, string expected, List<string> errors)
    {
        if (!map.TryGetValue(key, out var value))
        {
            errors.Add($"{at}.{key}: missing ({expected})");
            return 0;
        }
        if (value is long l && l >= min && l <= max) return (int)l;
        errors.Add($"{at}.{key}: '{Convert.ToString(value, CultureInfo.InvariantCulture)}' is not {expected}");
        return 0;
    }

    /// <summary>A channel by its lowercase or any-case name; never a number (Enum.TryParse would take "1").</summary>
    private static Channel? ParseChannel(string name)
        => name.Length > 0 && name.All(char.IsAsciiLetter) && Enum.TryParse<Channel>(name, ignoreCase: true, out var channel) ? channel : null;

    private static string Name(Channel channel) => channel.ToString().ToLowerInvariant();
}
