using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cdp.Audiences.Definitions;
using Cdp.Engine;

namespace Cdp.Audiences.Membership;

/// <summary>
/// Deterministic control groups. A person's bucket is the first 8 bytes of MD5(salt ':' person_id), read big-endian,
/// modulo 10,000; the person is held out when the bucket is below percent × 100. MD5 is fixed by RFC 1321, so the
/// group is the same in every process, DuckDB version and machine, and depends only on the person's own id: other
/// people merging or leaving never move anyone in or out. (DuckDB's hash() is not used: its values may change
/// between versions.) The SQL and the C# implementation are the same function; a test keeps them equal.
/// </summary>
public static class Holdout
{
    public const int Buckets = 10_000;

    /// <summary>The person's bucket in [0, 10,000) for a salt.</summary>
    public static int Bucket(string salt, long personId)
    {
        var digest = MD5.HashData(Encoding.UTF8.GetBytes(salt + ":" + personId.ToString(CultureInfo.InvariantCulture)));
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(digest) % Buckets);
    }

    public static bool IsHeldOut(HoldoutSettings settings, long personId)
        => settings.Percent > 0 && Bucket(settings.Salt, personId) < Threshold(settings);

    /// <summary>Buckets below this are held out.</summary>
    public static int Threshold(HoldoutSettings settings) => (int)Math.Round(settings.Percent * 100, MidpointRounding.AwayFromZero);

    /// <summary>The SQL bucket of <paramref name="personIdSql"/> (a BIGINT expression) for a salt.</summary>
    public static string BucketSql(string salt, string personIdSql)
        // 16 hex digits = the first 8 bytes; as UBIGINT, then modulo, exactly as Bucket does.
        => $"CAST(CAST(('0x' || substr(md5({Sql.Literal(salt + ":")} || CAST({personIdSql} AS VARCHAR)), 1, 16)) AS UBIGINT) % {Buckets} AS INTEGER)";

    /// <summary>A SQL boolean: the person is in the control group of <paramref name="settings"/>.</summary>
    public static string HeldOutSql(HoldoutSettings settings, string personIdSql)
        => settings.Percent <= 0 ? "FALSE" : $"({BucketSql(settings.Salt, personIdSql)} < {Threshold(settings).ToString(CultureInfo.InvariantCulture)})";
}
