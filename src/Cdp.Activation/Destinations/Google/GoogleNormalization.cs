using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cdp.Activation.Destinations.Google;

/// <summary>
/// Google's formatting rules for Customer Match identifiers (Data Manager API, "Format user data"), applied before
/// hashing. Every method returns null for a value that cannot be made valid: such an identifier is left out rather
/// than sent in a form Google would never match.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Email: every whitespace character removed, lowercased; for gmail.com and googlemail.com the dots of the local
/// part are removed and a <c>+suffix</c> is cut off (other domains keep both). Needs one <c>@</c> with text on both sides.</item>
/// <item>Phone: E.164 with the leading <c>+</c>. Spaces, hyphens, dots, slashes and brackets are dropped, a <c>00</c>
/// international prefix becomes <c>+</c>, and a bracketed trunk zero after the country code (<c>+44 (0)20 ...</c>) is
/// dropped. A number without <c>+</c> or <c>00</c> has no country code we could trust and is left out; so is
/// anything that is not then <c>+</c> followed by 8 to 15 digits, the first not 0.</item>
/// <item>Given and family names: lowercased, trimmed, punctuation removed, inner whitespace collapsed to one space;
/// a leading title (Mrs, Dr, ...) is dropped from the given name and trailing suffixes (Jr, III, PhD, ...) from the
/// family name, as the documentation asks. Accents are kept: the documentation does not ask to strip them. Text is
/// not Unicode-normalised (the process runs with invariant globalisation), so the lake should hold names in NFC.</item>
/// <item>Region code: ISO-3166-1 alpha-2, two ASCII letters, sent uppercase and unhashed.</item>
/// <item>Postal code: trimmed, sent unhashed (the documentation asks for nothing else; US ZIP+4 is allowed).</item>
/// </list>
/// Hashes are SHA-256 of the UTF-8 text, lowercase hex (the request's <c>encoding: HEX</c>).
/// </remarks>
internal static class GoogleNormalization
{
    private static readonly HashSet<string> Titles = new(StringComparer.Ordinal)
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord", "rev", "revd", "fr", "mme", "mlle", "herr", "frau", "sr", "sra", "srta",
    };

    private static readonly HashSet<string> Suffixes = new(StringComparer.Ordinal)
    {
        "jr", "jnr", "sr", "snr", "ii", "iii", "iv", "phd", "md", "dds", "esq", "mba", "obe", "mbe", "cbe",
    };

    public static string? Email(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsWhiteSpace(c)) builder.Append(char.ToLowerInvariant(c));
        }
        var email = builder.ToString();
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == email.Length - 1 || email.IndexOf('@', at + 1) >= 0) return null;
        var local = email[..at];
        var domain = email[(at + 1)..];
        if (domain is "gmail.com" or "googlemail.com")
        {
            var plus = local.IndexOf('+', StringComparison.Ordinal);
            if (plus >= 0) local = local[..plus];
            local = local.Replace(".", "", StringComparison.Ordinal);
            if (local.Length == 0) return null;
        }
        return local + "@" + domain;
    }

    public static string? Phone(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        string digits;
        if (text.StartsWith('+')) digits = text[1..];
        else if (text.StartsWith("00", StringComparison.Ordinal)) digits = text[2..];
        else return null;

        var builder = new StringBuilder(digits.Length);
        for (var i = 0; i < digits.Length; i++)
        {
            var c = digits[i];
            if (c is >= '0' and <= '9') builder.Append(c);
            else if (c == '(' && i + 2 < digits.Length && digits[i + 1] == '0' && digits[i + 2] == ')' && builder.Length > 0) i += 2; // "(0)" trunk zero
            else if (c is ' ' or '-' or '.' or '/' or '(' or ')' or '\u00a0') continue;
            else return null;
        }
        var result = builder.ToString();
        return result.Length is >= 8 and <= 15 && result[0] != '0' ? "+" + result : null;
    }

    public static string? GivenName(string? value)
    {
        var words = NameWords(value);
        if (words.Count > 1 && Titles.Contains(words[0])) words.RemoveAt(0);
        return words.Count == 0 ? null : string.Join(' ', words);
    }

    public static string? FamilyName(string? value)
    {
        var words = NameWords(value);
        while (words.Count > 1 && Suffixes.Contains(words[^1])) words.RemoveAt(words.Count - 1);
        return words.Count == 0 ? null : string.Join(' ', words);
    }

    public static string? RegionCode(string? value)
    {
        var code = value?.Trim();
        return code is { Length: 2 } && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1]) ? code.ToUpperInvariant() : null;
    }

    public static string? PostalCode(string? value)
    {
        var code = value?.Trim();
        return string.IsNullOrEmpty(code) ? null : code;
    }

    /// <summary>SHA-256 of the UTF-8 bytes, lowercase hex.</summary>
    public static string Sha256Hex(string normalized) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));

    /// <summary>Lowercase words of a name: punctuation removed (so "O'Brien" is one word), whitespace runs split.</summary>
    private static List<string> NameWords(string? value)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(value)) return words;
        var word = new StringBuilder();
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                if (word.Length > 0) words.Add(word.ToString());
                word.Clear();
            }
            else if (!IsPunctuation(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
        }
        if (word.Length > 0) words.Add(word.ToString());
        return words;
    }

    private static bool IsPunctuation(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
        or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
        or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
}
