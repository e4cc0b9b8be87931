namespace Cdp.Identity.Matching;

/// <summary>
/// The string similarities comparisons use. Written here rather than taken from the SQL engine so that their
/// semantics are pinned by our own tests (the Winkler prefix boost, the match window) whatever engine runs them.
/// Characters are compared as UTF-16 code units, ordinally: callers normalise case and accents beforehand.
/// </summary>
internal static class StringMetrics
{
    /// <summary>Winkler's prefix scale: each common leading character (up to four) closes 10% of the remaining gap.</summary>
    private const double PrefixScale = 0.1;

    private const int MaxPrefix = 4;

    /// <summary>Jaro similarity in [0, 1]; 1 for two equal strings (including two empty ones), 0 when nothing matches.</summary>
    public static double Jaro(string a, string b)
    {
        if (a.Length == 0 && b.Length == 0) return 1.0;
        if (a.Length == 0 || b.Length == 0) return 0.0;
        var window = Math.Max(0, Math.Max(a.Length, b.Length) / 2 - 1);
        Span<bool> matchedA = a.Length <= 256 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> matchedB = b.Length <= 256 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            for (var j = from; j <= to; j++)
            {
                if (matchedB[j] || a[i] != b[j]) continue;
                matchedA[i] = matchedB[j] = true;
                matches++;
                break;
            }
        }
        if (matches == 0) return 0.0;

        // Half the matched characters that appear in a different order.
        var outOfOrder = 0;
        for (int i = 0, j = 0; i < a.Length; i++)
        {
            if (!matchedA[i]) continue;
            while (!matchedB[j]) j++;
            if (a[i] != b[j]) outOfOrder++;
            j++;
        }
        double m = matches;
        return (m / a.Length + m / b.Length + (m - outOfOrder / 2.0) / m) / 3.0;
    }

    /// <summary>Jaro-Winkler similarity in [0, 1], the boost applied at every Jaro value (as Winkler's original and Splink do).</summary>
    public static double JaroWinkler(string a, string b)
    {
        var jaro = Jaro(a, b);
        var prefix = 0;
        var limit = Math.Min(MaxPrefix, Math.Min(a.Length, b.Length));
        while (prefix < limit && a[prefix] == b[prefix]) prefix++;
        return jaro + prefix * PrefixScale * (1.0 - jaro);
    }

    /// <summary>The fewest single-character insertions, deletions and substitutions that turn one string into the other.</summary>
    public static int Levenshtein(string a, string b)
    {
        if (a.Length < b.Length) (a, b) = (b, a);
        if (b.Length == 0) return a.Length;
        Span<int> previous = b.Length < 256 ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        Span<int> current = b.Length < 256 ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.Length];
    }
}
