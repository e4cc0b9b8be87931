using System.Text;
using PhoneNumbers;

namespace Cdp.Identity;

/// <summary>
/// Normalises identifiers so that the same person's values compare equal across silos: emails trimmed and
/// lower-cased, phones in E.164 (<c>+33612345678</c>) whatever their national format, names without accents, extra
/// spaces or case differences. Values that cannot be an identifier of their type give null, never a guess.
/// </summary>
public static class IdentifierNormalizer
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Lower-cased, trimmed email, or null when it is not shaped like one address (one '@', a dot in the domain).</summary>
    public static string? Email(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var email = value.Trim().ToLowerInvariant();
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != email.LastIndexOf('@') || email.Any(char.IsWhiteSpace)) return null;
        var domain = email[(at + 1)..];
        return domain.Length >= 3 && domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.') ? email : null;
    }

    /// <summary>
    /// The phone in E.164, reading national formats in <paramref name="defaultRegion"/> (ISO 3166 alpha-2, e.g. FR);
    /// null when it is not a valid number there or in the country its prefix names.
    /// </summary>
    public static string? Phone(string? value, string? defaultRegion)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        // 00 is the international prefix in most of Europe: 0033 6... is +33 6...
        if (text.StartsWith("00", StringComparison.Ordinal)) text = "+" + text[2..];
        try
        {
            var number = Phones.Parse(text, string.IsNullOrWhiteSpace(defaultRegion) ? "ZZ" : defaultRegion.Trim().ToUpperInvariant());
            return Phones.IsValidNumber(number) ? Phones.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>A name for matching: accents removed, letters lower-cased, runs of spaces, dots and hyphens made one space.</summary>
    public static string? Name(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var raw in value)
        {
            var c = char.ToLowerInvariant(raw);
            if (char.IsLetterOrDigit(c))
            {
                if (space && sb.Length > 0) sb.Append(' ');
                space = false;
                sb.Append(Fold(c));
            }
            else if (char.IsWhiteSpace(c) || c is '-' or '.' or '\'' or '\u2019')
            {
                space = true;
            }
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    // Latin letters with diacritics and their base letters. Spelled out because the product runs with invariant
    // globalization, where Unicode decomposition is not available.
    private const string Accented = "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž";
    private const string Plain = "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzz";

    private static string Fold(char c)
        => c switch
        {
            'æ' => "ae",
            'œ' => "oe",
            'ß' => "ss",
            _ => Accented.IndexOf(c, StringComparison.Ordinal) is var i and >= 0 ? Plain[i].ToString() : c.ToString(),
        };
}
