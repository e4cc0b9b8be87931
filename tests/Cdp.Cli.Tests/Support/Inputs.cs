using Cdp.Engine;

namespace Cdp.Cli.Tests.Support;

/// <summary>Writes the input files the tests append: CSV, JSON lines and Parquet.</summary>
public static class Inputs
{
    public static string Csv(string path, params string[] lines) => Text(path, string.Join('\n', lines) + "\n");

    public static string JsonLines(string path, params string[] lines) => Text(path, string.Join('\n', lines) + "\n");

    public static string Text(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A Parquet file holding the rows of a DuckDB query.</summary>
    public static async Task<string> ParquetAsync(string path, string selectSql)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var engine = new DuckDbEngine();
        await engine.ExecuteAsync($"COPY ({selectSql}) TO {Sql.Literal(path)} (FORMAT parquet)");
        return path;
    }

    /// <summary>A CSV batch of ids <paramref name="first"/>..<paramref name="first"/>+count-1 with a name and a batch column.</summary>
    public static string IdBatch(string path, long first, int count, long batch)
    {
        var lines = new List<string> { "id,name,batch" };
        for (var i = 0; i < count; i++) lines.Add($"{first + i},name-{first + i},{batch}");
        return Csv(path, [.. lines]);
    }
}
