using System.Globalization;
using System.Text;
using Cdp.DemoBrand.Random;

namespace Cdp.DemoBrand.Model;

/// <summary>
/// How identifiers look in the silos: phone numbers in national and international formats, e-mail addresses at
/// example domains, customer and card numbers, and the variants people and clerks introduce (case, accents, typos).
/// </summary>
public static class Identifiers
{
    /// <summary>Placeholder values typed when a field is mandatory and the customer gave nothing.</summary>
    public static IReadOnlyList<string> Placeholders { get; } = ["test@test.com", "0000000000", "N/A", "noemail@example.com", "x@x.com", "-"];

    /// <summary>The e-mail domains (reserved example domains only).</summary>
    internal static readonly string[] EmailDomains = ["example.com", "example.org", "example.net", "mail.test"];

    /// <summary>Whether a value is one of the <see cref="Placeholders"/>.</summary>
    public static bool IsPlaceholder(string? value) => value is not null && Placeholders.Contains(value, StringComparer.Ordinal);

    /// <summary>A customer number unique to (person, entry): "C" and 9 digits.</summary>
    internal static string CustomerNumber(ulong seed, long person, int entry)
        => "C" + Permutation.Apply((ulong)person * 4 + (ulong)entry, 1_000_000_000, seed ^ 0xC0570E12UL).ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>A loyalty card number unique to a person: 13 digits starting with 29.</summary>
    internal static string CardNumber(ulong seed, long person)
        => "29" + Permutation.Apply((ulong)person, 100_000_000_000, seed ^ 0xCA4DUL).ToString("D11", CultureInfo.InvariantCulture);

    /// <summary>
    /// The national significant number of a person's mobile (unique per person within a country), in a range the
    /// country really allocates to mobiles, so that phone validation behaves as on real data.
    /// </summary>
    internal static string MobileDigits(ulong seed, long person, string country)
    {
        var n = Permutation.Apply((ulong)person, 10_000_000, seed ^ 0x9403EUL).ToString("D7", CultureInfo.InvariantCulture);
        string Pick(string digits, long salt) => digits[(int)((person / salt) % digits.Length)].ToString();
        return country switch
        {
            // 06 and 07 numbers: 06 followed by 0-2 or 4-8, 07 followed by 3-9.
            "FR" => (person % 3 == 0 ? "7" + Pick("3456789", 3) : "6" + Pick("01245678", 3)) + n,
            // 0151, 0152, 0155 (eight digits after the prefix).
            "DE" => "15" + Pick("125", 1) + n + Pick("0123456789", 5),
            // 071-075, 077-079 (not 076, pagers).
            "GB" => "7" + Pick("12345789", 1) + n + Pick("0123456789", 11),
            // Spanish mobiles: 6xx xx xx xx, and 71-74.
            _ => person % 4 == 0 ? "7" + Pick("1234", 4) + n : "6" + Pick("0123456789", 4) + n,
        };
    }

    /// <summary>The phone as one of the ways it is written in that country's forms and tills.</summary>
    internal static string FormatPhone(string digits, string country, int style)
    {
        var code = country switch { "FR" => "33", "DE" => "49", "GB" => "44", _ => "34" };
        switch (country)
        {
            case "FR":
                return (style % 5) switch
                {
                    0 => $"+33 {digits[0]} {Pairs(digits[1..])}",       // +33 6 12 34 56 78
                    1 => $"0{digits[0]} {Pairs(digits[1..])}",          // 06 12 34 56 78
                    2 => "0" + digits,                                   // 0612345678
                    3 => "0033" + digits,                                // 0033612345678
                    _ => "+33" + digits,                                 // +33612345678
                };
            case "DE":
                return (style % 4) switch
                {
                    0 => $"+49 {digits[..3]} {digits[3..]}",
                    1 => $"0{digits[..3]} {digits[3..]}",
                    2 => "0049" + digits,
                    _ => $"0{digits[..3]}/{digits[3..]}",
                };
            case "GB":
                return (style % 4) switch
                {
                    0 => $"+44 {digits[..4]} {digits[4..]}",
                    1 => $"0{digits[..4]} {digits[4..]}",
                    2 => "0044" + digits,
                    _ => "+44" + digits,
                };
            default:
                return (style % 4) switch
                {
                    0 => $"+34 {digits[..3]} {digits[3..5]} {digits[5..7]} {digits[7..]}",
                    1 => digits,
                    2 => "0034" + digits,
                    _ => $"+{code} {digits}",
                };
        }
    }

    /// <summary>An e-mail address unique to (person, index): the name part never ends in a digit and the number is unique.</summary>
    internal static string Email(ulong seed, long person, int index, string first, string last, Prng rng)
    {
        var x = (ulong)person * 2 + (ulong)index;
        var number = x < 9_000_000
            ? (1_000_000 + Permutation.Apply(x, 9_000_000, seed ^ 0xE3A1UL)).ToString(CultureInfo.InvariantCulture)
            : (1_000_000_000 + x).ToString(CultureInfo.InvariantCulture);
        var f = Ascii(first).ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal);
        var l = Ascii(last).ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal);
        var local = rng.Next(6) switch
        {
            0 or 1 or 2 => $"{f}.{l}",
            3 => $"{f[0]}{l}",
            4 => $"{f}_{l[0]}",
            _ => $"{l}.{f}",
        };
        return $"{local}{number}@{rng.Pick(EmailDomains)}";
    }

    private const string Accented = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ";
    private const string Plain = "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY";

    /// <summary>The text without accents (é → e, ß → ss, œ → oe), as typed on a keyboard without them.</summary>
    public static string Ascii(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            var i = Accented.IndexOf(c, StringComparison.Ordinal);
            if (i >= 0) sb.Append(Plain[i]);
            else if (c == 'ß') sb.Append("ss");
            else if (c == 'œ') sb.Append("oe");
            else if (c == 'æ') sb.Append("ae");
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>A variant of a name as a second entry would type it: upper case, lower case, no accents, or a typo.</summary>
    internal static string NameVariant(string name, Prng rng) => rng.Next(5) switch
    {
        0 => name.ToUpperInvariant(),
        1 => Ascii(name),
        2 => Ascii(name).ToUpperInvariant(),
        3 => name.ToLowerInvariant(),
        _ => Typo(name, rng),
    };

    /// <summary>One typing mistake: two letters swapped, a letter dropped or doubled.</summary>
    internal static string Typo(string s, Prng rng)
    {
        if (s.Length < 3) return s + s[^1];
        var i = rng.Next(1, s.Length - 1);
        return rng.Next(3) switch
        {
            0 when char.IsLetter(s[i]) && char.IsLetter(s[i + 1]) && s[i] != s[i + 1] => string.Concat(s.AsSpan(0, i), s[i + 1].ToString(), s[i].ToString(), s.AsSpan(i + 2)),
            1 when char.IsLetter(s[i]) => s.Remove(i, 1),
            _ => s.Insert(i, s[i].ToString()),
        };
    }

    /// <summary>An e-mail variant: different case, or a typo in the name part (never in the unique number).</summary>
    internal static string EmailVariant(string email, Prng rng)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        var local = email[..at];
        var digitsAt = local.IndexOfAny("0123456789".ToCharArray());
        if (rng.Chance(0.5))
        {
            // Case: "Helene.Martin1234567@Example.com"
            var sb = new StringBuilder(email);
            sb[0] = char.ToUpperInvariant(sb[0]);
            var dot = email.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && dot + 1 < at) sb[dot + 1] = char.ToUpperInvariant(sb[dot + 1]);
            return rng.Chance(0.3) ? sb.ToString().ToUpperInvariant() : sb.ToString();
        }
        var name = local[..digitsAt];
        var typo = Typo(name, rng);
        if (typo.Length == 0 || char.IsDigit(typo[^1]) || typo == name) typo = name + name[^1];
        return typo + email[digitsAt..];
    }

    private static string Pairs(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i += 2)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(s.AsSpan(i, Math.Min(2, s.Length - i)));
        }
        return sb.ToString();
    }
}
