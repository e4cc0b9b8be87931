using System.Numerics;

namespace Cdp.DemoBrand.Random;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small, fast generator whose sequence is defined here and so never
/// changes with the runtime. Every person gets its own generator from (seed, stream, index), which keeps one
/// person's records independent of how many people are generated.
/// </summary>
internal sealed class Prng
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator for one stream ("person", "household"...) and index under a seed.</summary>
    public Prng(ulong seed, ulong stream, ulong index)
    {
        var x = Mix(Mix(seed ^ 0x243F6A8885A308D3UL) ^ Mix(stream + 0x13198A2E03707344UL) ^ Mix(index + 0xA4093822299F31D0UL));
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>One step of SplitMix64 (also used to hash values).</summary>
    public static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    /// <summary>The SplitMix64 finaliser: a good 64-bit hash of <paramref name="z"/>.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A stable 64-bit code for a stream name (FNV-1a), so streams can be named in code.</summary>
    public static ulong Stream(string name)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var c in name)
        {
            h ^= c;
            h *= 0x100000001B3UL;
        }
        return h;
    }

    public ulong NextULong()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="n"/>).</summary>
    public int Next(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        return (int)((NextULong() >> 32) * (ulong)n >> 32);
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>An index drawn with probability proportional to <paramref name="weights"/>.</summary>
    public int PickWeighted(IReadOnlyList<double> weights)
    {
        var total = 0.0;
        foreach (var w in weights) total += w;
        var r = NextDouble() * total;
        for (var i = 0; i < weights.Count; i++)
        {
            r -= weights[i];
            if (r < 0) return i;
        }
        return weights.Count - 1;
    }

    /// <summary>Exponential with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - NextDouble());

    /// <summary>Standard normal (Box-Muller; one value per call keeps the stream simple).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>exp(N(mu, sigma)).</summary>
    public double LogNormal(double mu, double sigma) => Math.Exp(mu + sigma * Normal());

    /// <summary>Lower-case hexadecimal of <paramref name="digits"/> random nibbles (up to 16).</summary>
    public string Hex(int digits) => NextULong().ToString("x16", System.Globalization.CultureInfo.InvariantCulture)[..digits];

    /// <summary>A random version-4 style UUID string.</summary>
    public string Uuid()
    {
        var a = NextULong();
        var b = NextULong();
        var s = a.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + b.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        return $"{s[..8]}-{s[8..12]}-4{s[13..16]}-{"89ab"[(int)(b >> 62)]}{s[17..20]}-{s[20..32]}";
    }
}
