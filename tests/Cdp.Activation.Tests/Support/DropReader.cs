using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Engine;
using Cdp.Storage;
using Cdp.Testing;

namespace Cdp.Activation.Tests.Support;

/// <summary>One published drop: its manifest and its rows as text ([operation, person_id, fields...], nulls kept).</summary>
public sealed record Drop(string ManifestKey, JsonElement Manifest, IReadOnlyList<string?[]> Rows)
{
    public string RunId => Manifest.GetProperty("run_id").GetString()!;

    public string Operation => Manifest.GetProperty("operation").GetString()!;
}

/// <summary>
/// Reads a drop folder the way a partner would: only the files that manifests name, each checked against its manifest
/// (SHA-256, size, row count) before its rows are used. CSV is parsed here; Parquet is read by DuckDB.
/// </summary>
public static class DropReader
{
    public static async Task<List<Drop>> ReadAsync(IObjectStore store, string audiencePrefix, DuckDbEngine engine)
    {
        var drops = new List<Drop>();
        using var cache = new TempDirectory("drop-cache");
        await foreach (var info in store.ListAsync(audiencePrefix + "/"))
        {
            if (!info.Key.EndsWith(".manifest.json", StringComparison.Ordinal)) continue;
            using var document = JsonDocument.Parse(await store.ReadAllAsync(info.Key));
            var manifest = document.RootElement.Clone();
            var dataKey = audiencePrefix + "/" + manifest.GetProperty("file").GetString();
            var bytes = await store.ReadAllAsync(dataKey);
            Assert.Equal(manifest.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal(manifest.GetProperty("size").GetInt64(), bytes.Length);
            var rows = manifest.GetProperty("format").GetString() switch
            {
                "csv" => ParseCsv(Encoding.UTF8.GetString(bytes)).Skip(1).ToList(),
                "parquet" => await ReadParquetAsync(engine, await store.GetLocalPathAsync(dataKey, cache.Path)),
                var other => throw new InvalidOperationException($"unknown format {other}"),
            };
            Assert.Equal(manifest.GetProperty("row_count").GetInt32(), rows.Count);
            drops.Add(new Drop(info.Key, manifest, rows));
        }
        return drops;
    }

    /// <summary>The rows of a Parquet file with person_id printed in invariant culture, asserting the column types first.</summary>
    public static async Task<List<string?[]>> ReadParquetAsync(DuckDbEngine engine, string path)
    {
        var source = $"read_parquet({Sql.Literal(path)})";
        var types = await engine.DescribeAsync($"SELECT * FROM {source}");
        Assert.Equal("operation", types[0].Name);
        Assert.Equal("person_id", types[1].Name);
        Assert.Equal("BIGINT", types[1].Type);
        Assert.All(types.Where(t => t.Name != "person_id"), t => Assert.Equal("VARCHAR", t.Type));
        var result = await engine.QueryAsync($"SELECT * FROM {source}");
        return result.Rows.Select(r => r.Select(v => v switch
        {
            null => null,
            long l => l.ToString(CultureInfo.InvariantCulture),
            string s => s,
            var other => throw new InvalidOperationException($"unexpected value type {other.GetType()}"),
        }).ToArray()).ToList();
    }

    /// <summary>RFC 4180 with every non-null field quoted; an unquoted empty field is null.</summary>
    public static List<string?[]> ParseCsv(string text)
    {
        var rows = new List<string?[]>();
        var row = new List<string?>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { value.Append('"'); i += 2; }
                    else if (text[i] == '"') { i++; break; }
                    else value.Append(text[i++]);
                }
                row.Add(value.ToString());
            }
            else row.Add(null);
            if (i < text.Length && text[i] == ',') { i++; continue; }
            if (text[i] == '\r') i += 2;
            rows.Add([.. row]);
            row.Clear();
        }
        return rows;
    }

    /// <summary>
    /// What the drops say the audience holds, replaying them run by run (add and update set a person's fields, remove
    /// drops them); each person appears at most once per run.
    /// </summary>
    public static Dictionary<long, string?[]> Replay(IEnumerable<Drop> drops, IReadOnlyList<string> runOrder)
    {
        var held = new Dictionary<long, string?[]>();
        foreach (var run in runOrder)
        {
            var seen = new HashSet<long>();
            foreach (var row in drops.Where(d => d.RunId == run).SelectMany(d => d.Rows))
            {
                var id = long.Parse(row[1]!, CultureInfo.InvariantCulture);
                Assert.True(seen.Add(id), $"person {id} is in two drops of {run}");
                if (row[0] == "remove") Assert.True(held.Remove(id), $"person {id} removed but not held");
                else held[id] = row[2..];
            }
        }
        return held;
    }
}
