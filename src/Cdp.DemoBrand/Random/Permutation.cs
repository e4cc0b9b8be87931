namespace Cdp.DemoBrand.Random;

/// <summary>
/// A keyed pseudo-random permutation of [0, m): a 4-round Feistel network on the smallest even number of bits
/// covering m, with cycle walking. Turns a person index into a customer number, card number or phone number that
/// looks random, is stable, and is never shared by two people.
/// </summary>
internal static class Permutation
{
    public static ulong Apply(ulong x, ulong m, ulong key)
    {
        if (x >= m) throw new ArgumentOutOfRangeException(nameof(x), $"{x} is outside [0, {m})");
        var bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(m - 1);
        if (bits % 2 == 1) bits++;
        if (bits < 2) bits = 2;
        var half = bits / 2;
        var mask = (1UL << half) - 1;
        do
        {
            var left = x >> half;
            var right = x & mask;
            for (var round = 0UL; round < 4; round++)
            {
                var f = Prng.Mix(right ^ Prng.Mix(key + round)) & mask;
                (left, right) = (right, left ^ f);
            }
            x = (left << half) | right;
        }
        while (x >= m);
        return x;
    }
}
