using System.Globalization;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Running;
using Cdp.Lake;
using Cdp.Testing;

namespace Cdp.Ingestion.Tests;

/// <summary>A temp folder with input files under <c>in/</c> and a lake under <c>lake/</c>, and one lake session.</summary>
public sealed class Workspace : IAsyncDisposable
{
    private readonly TempDirectory _dir = new("ingest");

    public Workspace()
    {
        Lake = _dir.Combine("lake");
        Inputs = _dir.Combine("in");
        Directory.CreateDirectory(Inputs);
        Session = new LakeSession();
        Runner = new IngestRunner(Session, Lake);
    }

    public string Lake { get; }

    public string Inputs { get; }

    public LakeSession Session { get; }

    public IngestRunner Runner { get; }

    /// <summary>Writes an input file (UTF-8 text) under in/ and returns its full path.</summary>
    public string Write(string relative, string text) => WriteBytes(relative, System.Text.Encoding.UTF8.GetBytes(text));

    public string WriteBytes(string relative, byte[] bytes)
    {
        var path = Path.Combine(Inputs, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static SourceDefinition Source(string name, SourceFormat format, string pattern, char delimiter = ',', params (string Name, string Type)[] columns)
        => new(name, format, pattern, delimiter, columns.Select(c => new DeclaredColumn(c.Name, c.Type)).ToList());

    public Task<IngestRunResult> RunAsync(params SourceDefinition[] sources) => Runner.RunAsync(sources);

    /// <summary>Runs <paramref name="sql"/> with the table's latest snapshot as <c>t</c>.</summary>
    public async Task<IReadOnlyList<object?[]>> QueryAsync(string tableUri, string sql)
    {
        var snapshot = await Session.SnapshotAsync(tableUri);
        var scan = await Session.ScanAsync(tableUri, snapshot);
        return (await Session.Engine.QueryAsync($"WITH t AS ({scan}) {sql}")).Rows;
    }

    public async Task<long> CountAsync(string tableUri, string where = "true")
        => Long((await QueryAsync(tableUri, $"SELECT count(*) FROM t WHERE {where}"))[0][0]);

    public bool Exists(string tableUri) => Directory.Exists(Path.Combine(tableUri, "_delta_log"));

    public static long Long(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        _dir.Dispose();
    }
}

internal static class ResultAssertions
{
    /// <summary>Asserts a source succeeded and every file reconciles: read = landed + quarantined.</summary>
    public static SourceResult Reconciled(this SourceResult source)
    {
        Assert.True(source.Succeeded, source.Error);
        Assert.All(source.Files, f => Assert.Equal(f.RowsRead, f.RowsLanded + f.RowsQuarantined));
        return source;
    }
}
