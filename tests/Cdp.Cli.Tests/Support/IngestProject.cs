using System.Globalization;
using System.Text;

namespace Cdp.Cli.Tests.Support;

/// <summary>A project folder with a cdp.yml declaring ingest sources over files it writes under data/.</summary>
public static class IngestProject
{
    /// <summary>
    /// Two sources: <c>customers</c> (CSV files of <paramref name="rowsPerFile"/> rows with unique ids; every 50th row
    /// has a bad date) and <c>events</c> (JSON lines; every 40th line is truncated).
    /// </summary>
    public static void Write(string root, int files, int rowsPerFile)
    {
        Directory.CreateDirectory(Path.Combine(root, "data", "crm"));
        Directory.CreateDirectory(Path.Combine(root, "data", "web", "2024"));
        File.WriteAllText(Path.Combine(root, "cdp.yml"), """
            name: ingest-test
            lake: ./lake
            ingest:
              sources:
                customers: {format: csv, path: 'data/crm/*.csv', columns: {id: BIGINT, signup: DATE}}
                events: {format: jsonl, path: 'data/web/*/*.jsonl'}
            """);
        for (var f = 0; f < files; f++)
        {
            var csv = new StringBuilder("id,name,signup\n");
            var json = new StringBuilder();
            for (var r = 0; r < rowsPerFile; r++)
            {
                var id = (long)f * rowsPerFile + r;
                csv.Append(CultureInfo.InvariantCulture, $"{id},name {id},{(id % 50 == 7 ? "someday" : $"2024-01-{r % 28 + 1:D2}")}\n");
                json.Append(id % 40 == 3 ? $"{{\"id\": {id}, \"kind\": \"vi\n" : $"{{\"id\": {id}, \"kind\": \"view\"}}\n");
            }
            File.WriteAllText(Path.Combine(root, "data", "crm", $"c{f:D3}.csv"), csv.ToString());
            File.WriteAllText(Path.Combine(root, "data", "web", "2024", $"e{f:D3}.jsonl"), json.ToString());
        }
    }

    public static long BadCsvRows(int files, int rowsPerFile) => Enumerable.Range(0, files * rowsPerFile).Count(i => i % 50 == 7);

    public static long BadJsonLines(int files, int rowsPerFile) => Enumerable.Range(0, files * rowsPerFile).Count(i => i % 40 == 3);
}
