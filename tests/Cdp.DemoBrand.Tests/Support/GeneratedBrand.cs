using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cdp.Testing;

namespace Cdp.DemoBrand.Tests.Support;

/// <summary>One generation shared by the tests of a class (4000 people, seed 11), with readers for its silos.</summary>
public sealed class GeneratedBrand : IDisposable
{
    private readonly TempDirectory _dir = new("demobrand");
    private readonly Dictionary<string, Csv.Table> _csv = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<JsonObject>> _jsonl = new(StringComparer.Ordinal);
    private Dictionary<(string Silo, string Key), List<string>>? _truth;

    public GeneratedBrand()
    {
        Summary = DemoBrandGenerator.Generate(new GenerationOptions(_dir.Path, People: 4000, Seed: 11));
    }

    public GenerationSummary Summary { get; }

    public string Root => _dir.Path;

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public Csv.Table Csv(string relative)
    {
        if (!_csv.TryGetValue(relative, out var t)) _csv[relative] = t = Support.Csv.Read(PathOf(relative));
        return t;
    }

    public List<JsonObject> Jsonl(string relative)
    {
        if (!_jsonl.TryGetValue(relative, out var list)) _jsonl[relative] = list = ReadJsonl(PathOf(relative));
        return list;
    }

    public List<JsonObject> WebEvents()
        => Directory.EnumerateFiles(PathOf("web/events"), "*.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal).SelectMany(ReadJsonl).ToList();

    public static List<JsonObject> ReadJsonl(string path)
        => File.ReadLines(path).Select((l, i) =>
        {
            var node = JsonNode.Parse(l, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
            return Assert.IsType<JsonObject>(node, exactMatch: false);
        }).ToList();

    /// <summary>truth/records.csv as (silo, key) → person ids (more than one for a shared cookie or device).</summary>
    public IReadOnlyDictionary<(string Silo, string Key), List<string>> Truth
    {
        get
        {
            if (_truth is not null) return _truth;
            _truth = [];
            var t = Csv("truth/records.csv");
            foreach (var r in t.Rows)
            {
                if (!_truth.TryGetValue((r[0], r[1]), out var list)) _truth[(r[0], r[1])] = list = [];
                list.Add(r[2]);
            }
            return _truth;
        }
    }

    public string PersonOf(string silo, string key)
    {
        Assert.True(Truth.TryGetValue((silo, key), out var people), $"{silo} {key} is not in truth/records.csv");
        return Assert.Single(people);
    }

    public static string? Str(JsonObject o, string name) => o[name]?.GetValue<string>();

    public static DateTime Utc(string iso) => DateTime.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public void Dispose() => _dir.Dispose();
}
