using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cdp.Activation.Destinations.Meta;

/// <summary>
/// Meta's customer-list normalisation and hashing, one rule per schema key. A value is normalised, then (except
/// <c>EXTERN_ID</c> and <c>MADID</c>) hashed with SHA-256 to lowercase hex. A value that normalises to nothing is the
/// empty string, never the hash of the empty string: Meta reads "" as "unknown".
/// </summary>
/// <remarks>
/// The rules, per key:
/// <list type="bullet">
/// <item><c>EMAIL</c>: trimmed and lowercased; without an '@' between two non-empty parts it is "".</item>
/// <item><c>PHONE</c>: digits only (any script's decimal digits read as 0-9), with the country code, no '+', no
/// leading zeros; a "(0)" trunk marker is dropped. <c>+33 6 12 34 56 78</c>, <c>0033612345678</c> and
/// <c>+33 (0)6 12 34 56 78</c> all give <c>33612345678</c>. A national number without its country code cannot be
/// completed here (the lake keeps E.164) and is sent as its digits.</item>
/// <item><c>FN</c>, <c>LN</c>, <c>CT</c>, <c>ST</c>: lowercase letters only, in any script (UTF-8 allowed), with their
/// combining marks; spaces, digits and punctuation removed. Text is taken as stored (the lake keeps NFC; this runtime
/// runs without ICU, so no Unicode normalisation form is applied here).</item>
/// <item><c>FI</c>: the first letter of the normalised first name.</item>
/// <item><c>GEN</c>: <c>m</c> (m, male, man) or <c>f</c> (f, female, woman, w); anything else is "".</item>
/// <item><c>DOBY</c>, <c>DOBM</c>, <c>DOBD</c>: from a birth date <c>YYYY-MM-DD</c> (a timestamp's date part is read
/// too) the year <c>YYYY</c>, month <c>MM</c> and day <c>DD</c>; a bare year, month or day is accepted for its own key.</item>
/// <item><c>ZIP</c>: lowercase letters and digits only (no spaces, no dashes); a US ZIP+4 (nine digits) keeps its first five.</item>
/// <item><c>COUNTRY</c>: ISO 3166-1 alpha-2, lowercase; anything not two ASCII letters is "".</item>
/// <item><c>EXTERN_ID</c>: trimmed, sent as is. <c>MADID</c>: trimmed and lowercased, sent as is.</item>
/// </list>
/// </remarks>
public static class MetaNormalization
{
    /// <summary>The schema keys, in the order a payload lists them.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        ["EXTERN_ID", "EMAIL", "PHONE", "FN", "LN", "FI", "GEN", "DOBY", "DOBM", "DOBD", "CT", "ST", "ZIP", "COUNTRY", "MADID"];

    /// <summary>
    /// Keys that identify a person on their own. A row with none of them matches nobody (names, place, birth date and
    /// gender only refine a match), so it is not worth sending.
    /// </summary>
    public static IReadOnlyList<string> MatchKeys { get; } = ["EXTERN_ID", "EMAIL", "PHONE", "MADID"];

    public static bool IsKey(string key) => Keys.Contains(key, StringComparer.Ordinal);

    /// <summary>True for every key but <c>EXTERN_ID</c> and <c>MADID</c>, which Meta takes unhashed.</summary>
    public static bool IsHashed(string key) => key is not ("EXTERN_ID" or "MADID");

    /// <summary>The value Meta receives for <paramref name="key"/>: normalised, then hashed when the key is hashed; "" when nothing is left.</summary>
    public static string Encode(string key, string? value)
    {
        var normalised = Normalize(key, value);
        return normalised.Length == 0 || !IsHashed(key) ? normalised : Sha256Hex(normalised);
    }

    /// <summary>SHA-256 of the UTF-8 text, lowercase hex.</summary>
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The normalised text for <paramref name="key"/> ("" when nothing usable is left).</summary>
    public static string Normalize(string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrWhiteSpace(value)) return "";
        return key switch
        {
            "EMAIL" => Email(value),
            "PHONE" => Phone(value),
            "FN" or "LN" or "CT" or "ST" => Letters(value),
            "FI" => FirstLetter(Letters(value)),
            "GEN" => Gender(value),
            "DOBY" => BirthPart(value, 0),
            "DOBM" => BirthPart(value, 1),
            "DOBD" => BirthPart(value, 2),
            "ZIP" => Zip(value),
            "COUNTRY" => Country(value),
            "EXTERN_ID" => value.Trim(),
            "MADID" => value.Trim().ToLowerInvariant(),
            _ => throw new ArgumentException($"'{key}' is not a Meta customer-list key; the keys are {string.Join(", ", Keys)}.", nameof(key)),
        };
    }

    private static string Email(string value)
    {
        var email = value.Trim().ToLowerInvariant();
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < email.Length - 1 ? email : "";
    }

    private static string Phone(string value)
    {
        var digits = new StringBuilder(value.Length);
        var text = value.Replace("(0)", "", StringComparison.Ordinal);
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DecimalDigitNumber) digits.Append((char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c)));
        }
        var start = 0;
        while (start < digits.Length && digits[start] == '0') start++;
        return digits.ToString(start, digits.Length - start);
    }

    /// <summary>Letters (any script) and their combining marks, lowercased; everything else dropped.</summary>
    private static string Letters(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetter(rune)) text.Append(Rune.ToLowerInvariant(rune).ToString());
            else if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark && text.Length > 0) text.Append(rune.ToString());
        }
        return text.ToString();
    }

    /// <summary>The first letter with the combining marks that belong to it.</summary>
    private static string FirstLetter(string letters)
    {
        if (letters.Length == 0) return "";
        var end = char.IsHighSurrogate(letters[0]) ? 2 : 1;
        while (end < letters.Length && CharUnicodeInfo.GetUnicodeCategory(letters, end) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            end += char.IsHighSurrogate(letters[end]) ? 2 : 1;
        return letters[..end];
    }

    private static string Gender(string value) => value.Trim().ToLowerInvariant() switch
    {
        "m" or "male" or "man" => "m",
        "f" or "female" or "woman" or "w" => "f",
        _ => "",
    };

    /// <summary>Part 0 (year), 1 (month) or 2 (day) of a birth date.</summary>
    private static string BirthPart(string value, int part)
    {
        var text = value.Trim();
        if (text.Length >= 10 && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && (text.Length == 10 || text[10] is ' ' or 'T'))
        {
            if (date.Year < 1900) return "";
            return part switch
            {
                0 => date.Year.ToString("D4", CultureInfo.InvariantCulture),
                1 => date.Month.ToString("D2", CultureInfo.InvariantCulture),
                _ => date.Day.ToString("D2", CultureInfo.InvariantCulture),
            };
        }
        // A bare component for its own key.
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return "";
        return part switch
        {
            0 when text.Length == 4 && n >= 1900 => text,
            1 when text.Length <= 2 && n is >= 1 and <= 12 => n.ToString("D2", CultureInfo.InvariantCulture),
            2 when text.Length <= 2 && n is >= 1 and <= 31 => n.ToString("D2", CultureInfo.InvariantCulture),
            _ => "",
        };
    }

    private static string Zip(string value)
    {
        var zip = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber) zip.Append((char)('0' + (int)Rune.GetNumericValue(rune)));
            else if (Rune.IsLetter(rune)) zip.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        var text = zip.ToString();
        return text.Length == 9 && text.All(char.IsAsciiDigit) ? text[..5] : text;
    }

    private static string Country(string value)
    {
        var code = value.Trim();
        return code.Length == 2 && char.IsAsciiLetter(code[0]) && char.IsAsciiLetter(code[1]) ? code.ToLowerInvariant() : "";
    }
}
