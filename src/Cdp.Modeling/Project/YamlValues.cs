using System.Globalization;
using System.Text.RegularExpressions;

namespace Cdp.Modeling.Project;

/// <summary>
/// Turns YAML nodes into plain C# values: string, long, double, bool, null, <c>List&lt;object?&gt;</c> and
/// <c>Dictionary&lt;string, object?&gt;</c>. Plain scalars follow the YAML 1.2 core schema (so <c>yes</c> stays a
/// string); quoted and block scalars are always strings.
/// </summary>
internal static partial class YamlValues
{
    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    public static object? ToValue(YamlNode node) => node switch
    {
        YamlScalar scalar => ToValue(scalar),
        YamlSequence sequence => sequence.Items.Select(ToValue).ToList(),
        YamlMapping mapping => ToDictionary(mapping),
        _ => throw new ArgumentException($"unknown node type {node.GetType().Name}", nameof(node)),
    };

    public static Dictionary<string, object?> ToDictionary(YamlMapping mapping)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Entries) result[key.Text] = ToValue(value);
        return result;
    }

    public static object? ToValue(YamlScalar scalar)
    {
        if (scalar.Tag is { } tag)
        {
            switch (tag)
            {
                case CoreTagPrefix + "str": return scalar.Text;
                case CoreTagPrefix + "null": return null;
                case CoreTagPrefix + "bool": return ParseBool(scalar.Text) ?? (object)scalar.Text;
                case CoreTagPrefix + "int": return ParseInteger(scalar.Text) ?? (object)scalar.Text;
                case CoreTagPrefix + "float": return ParseInteger(scalar.Text) is long l ? (double)l : ParseFloat(scalar.Text) ?? (object)scalar.Text;
                default: break; // an unknown tag resolves like a plain scalar
            }
        }
        else if (!scalar.IsPlain)
        {
            return scalar.Text;
        }
        return ParsePlain(scalar.Text);
    }

    /// <summary>The core-schema value of a plain scalar's text.</summary>
    public static object? ParsePlain(string text)
    {
        if (text.Length == 0 || text is "~" or "null" or "Null" or "NULL") return null;
        if (ParseBool(text) is { } b) return b;
        if (ParseInteger(text) is { } l) return l;
        if (ParseFloat(text) is { } d) return d;
        return text;
    }

    private static bool? ParseBool(string text) => text switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    private static object? ParseInteger(string text)
    {
        if (DecimalInteger().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture); // too large for a long
        }
        if (text.StartsWith("0x", StringComparison.Ordinal) && HexInteger().IsMatch(text))
            return long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : null;
        if (text.StartsWith("0o", StringComparison.Ordinal) && OctalInteger().IsMatch(text))
        {
            try
            {
                return Convert.ToInt64(text[2..], 8);
            }
            catch (OverflowException)
            {
                return null;
            }
        }
        return null;
    }

    private static double? ParseFloat(string text)
    {
        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF": return double.NegativeInfinity;
            case ".nan" or ".NaN" or ".NAN": return double.NaN;
            default: break;
        }
        return DecimalFloat().IsMatch(text) ? double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInteger();

    [GeneratedRegex("^0x[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexInteger();

    [GeneratedRegex("^0o[0-7]+$", RegexOptions.CultureInvariant)]
    private static partial Regex OctalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalFloat();
}
