using System.Globalization;
using System.Text.RegularExpressions;

namespace Cdp.Delta;

/// <summary>Parsing of table property values.</summary>
public static partial class TableProperties
{
    /// <summary>delta.checkpointInterval, default 10.</summary>
    public static int CheckpointInterval(IReadOnlyDictionary<string, string> configuration)
        => configuration.TryGetValue("delta.checkpointInterval", out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 10;

    /// <summary>Parses Spark's "interval N unit" strings (e.g. "interval 7 days", "interval 1 hour").</summary>
    public static bool TryParseInterval(string text, out TimeSpan value)
    {
        value = default;
        var m = IntervalPattern().Match(text.Trim());
        if (!m.Success) return false;
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        value = m.Groups[2].Value.ToLowerInvariant().TrimEnd('s') switch
        {
            "week" => TimeSpan.FromDays(7 * n),
            "day" => TimeSpan.FromDays(n),
            "hour" => TimeSpan.FromHours(n),
            "minute" => TimeSpan.FromMinutes(n),
            "second" => TimeSpan.FromSeconds(n),
            "millisecond" => TimeSpan.FromMilliseconds(n),
            _ => TimeSpan.MinValue,
        };
        return value != TimeSpan.MinValue;
    }

    [GeneratedRegex(@"^(?:interval\s+)?(\d+(?:\.\d+)?)\s*([a-zA-Z]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex IntervalPattern();
}
