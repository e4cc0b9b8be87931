using System.Text.Json;
using System.Text.Json.Serialization;
using Cdp.Delta;

namespace Cdp.Conformance.Tests;

/// <summary>What a conformance table must do. CATALOGUE.md explains each entry; catalogue.json is what the tests assert.</summary>
public enum Outcome
{
    /// <summary>Opens, and a full scan equals the expected rows (every expected version, for DAT).</summary>
    Read,

    /// <summary>Opens; the snapshot has the catalogued version and file count, and the scan gives the catalogued rows or error.</summary>
    Opens,

    /// <summary>Refused with <see cref="DeltaErrorKind.UnsupportedFeature"/> and a message naming the feature.</summary>
    Refused,

    /// <summary>Fails with a <see cref="DeltaException"/> of the catalogued kind whose message names the problem.</summary>
    Error,
}

/// <summary>One catalogued table.</summary>
public sealed record CatalogueEntry
{
    public Outcome Outcome { get; init; }

    /// <summary>Why the table has this outcome (the feature or defect it exercises).</summary>
    public string Why { get; init; } = "";

    /// <summary>DAT only: the expected/ folders (latest, v0, v1, ...), each compared.</summary>
    public IReadOnlyList<string> Versions { get; init; } = [];

    /// <summary>
    /// Read: SQL expressions (over the expected file's columns) replacing expected columns that the fixture got wrong.
    /// Each is justified in <see cref="Why"/> and CATALOGUE.md; the read value is still compared, with the corrected one.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExpectedCorrections { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Read: earlier versions of this table, each compared with the expected/ of another fixture made by the same
    /// writes stopped earlier (time travel by version).
    /// </summary>
    public IReadOnlyDictionary<string, string> VersionsAs { get; init; } = new Dictionary<string, string>();

    /// <summary>DAT only: versions whose commits were cleaned up with no checkpoint covering them; time travel must fail.</summary>
    public IReadOnlyList<long> CleanedVersions { get; init; } = [];

    /// <summary>Refused: the feature the message must name.</summary>
    public string? Feature { get; init; }

    /// <summary>Error (and Opens with a failing scan): the error kind.</summary>
    public DeltaErrorKind? Kind { get; init; }

    /// <summary>Error: text the message must contain.</summary>
    public string? Message { get; init; }

    /// <summary>Opens: the snapshot's version.</summary>
    public long? Version { get; init; }

    /// <summary>Opens: the number of live files.</summary>
    public int? Files { get; init; }

    /// <summary>Opens: the rows a scan returns (when the scan succeeds).</summary>
    public long? Rows { get; init; }
}

/// <summary>The machine-readable catalogue (catalogue.json, copied beside the test assembly).</summary>
public static class Catalogue
{
    public const string Dat = "dat";
    public const string KernelGolden = "kernel-golden";

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyDictionary<string, CatalogueEntry>>> Loaded = new(Load);

    public static IReadOnlyDictionary<string, CatalogueEntry> Suite(string suite) => Loaded.Value[suite];

    public static CatalogueEntry Entry(string suite, string table)
        => Suite(suite).TryGetValue(table, out var entry) ? entry : throw new InvalidOperationException($"Table '{suite}/{table}' is not in catalogue.json.");

    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, CatalogueEntry>> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "catalogue.json");
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Converters = { new JsonStringEnumConverter() },
            ReadCommentHandling = JsonCommentHandling.Skip,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        var suites = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, CatalogueEntry>>>(File.ReadAllText(path), options)
            ?? throw new InvalidOperationException($"'{path}' is empty.");
        return suites.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, CatalogueEntry>)kv.Value);
    }
}
