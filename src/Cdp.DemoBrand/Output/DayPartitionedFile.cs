namespace Cdp.DemoBrand.Output;

/// <summary>
/// JSON lines partitioned by day (<c>date=YYYY-MM-DD/events.jsonl</c>) with bounded memory and open files:
/// lines first go to one spill file per month (about 25 open files for two years), then <see cref="Complete"/>
/// splits each month into its day files, one month at a time (at most 31 open files, nothing held in memory).
/// Within a day, lines keep the order they were written in.
/// </summary>
internal sealed class DayPartitionedFile : IDisposable
{
    private readonly string _root;
    private readonly string _spillDir;
    private readonly string _fileName;
    private readonly SortedDictionary<string, StreamWriter> _months = new(StringComparer.Ordinal);

    public DayPartitionedFile(string root, string spillDir, string fileName)
    {
        _root = root;
        _spillDir = spillDir;
        _fileName = fileName;
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(spillDir);
    }

    public long Rows { get; private set; }

    /// <summary>The day files written by <see cref="Complete"/>.</summary>
    public List<string> Files { get; } = [];

    public void Write(DateTime utc, string line)
    {
        var day = Times.Date(utc);
        var month = day[..7];
        if (!_months.TryGetValue(month, out var w))
        {
            w = Text.Open(System.IO.Path.Combine(_spillDir, $"{month}.spill"));
            _months.Add(month, w);
        }
        w.Write(day);
        w.Write('\t');
        w.Write(line);
        w.Write('\n');
        Rows++;
    }

    /// <summary>Splits the monthly spills into day partitions and deletes the spills.</summary>
    public void Complete()
    {
        foreach (var (month, writer) in _months)
        {
            writer.Dispose();
            var spill = System.IO.Path.Combine(_spillDir, $"{month}.spill");
            var days = new SortedDictionary<string, StreamWriter>(StringComparer.Ordinal);
            try
            {
                using var reader = new StreamReader(spill, Text.Utf8, false, 1 << 16);
                while (reader.ReadLine() is { } line)
                {
                    var tab = line.IndexOf('\t', StringComparison.Ordinal);
                    var day = line[..tab];
                    if (!days.TryGetValue(day, out var w))
                    {
                        var dir = System.IO.Path.Combine(_root, $"date={day}");
                        Directory.CreateDirectory(dir);
                        var path = System.IO.Path.Combine(dir, _fileName);
                        w = Text.Open(path);
                        days.Add(day, w);
                        Files.Add(path);
                    }
                    w.Write(line.AsSpan(tab + 1));
                    w.Write('\n');
                }
            }
            finally
            {
                foreach (var w in days.Values) w.Dispose();
            }
            File.Delete(spill);
        }
        _months.Clear();
        Files.Sort(StringComparer.Ordinal);
    }

    public void Dispose()
    {
        foreach (var w in _months.Values) w.Dispose();
        _months.Clear();
    }
}

/// <summary>A JSON-lines file.</summary>
internal sealed class JsonlFile : IDisposable
{
    private readonly StreamWriter _writer;

    public JsonlFile(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = Text.Open(path);
    }

    public string Path { get; }

    public long Rows { get; private set; }

    public void Write(string line)
    {
        _writer.Write(line);
        _writer.Write('\n');
        Rows++;
    }

    public void Dispose() => _writer.Dispose();
}
