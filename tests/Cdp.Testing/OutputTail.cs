using System.Diagnostics;

namespace Cdp.Testing;

/// <summary>
/// Keeps the last lines a child process wrote to stdout and stderr, so a failure to start can show why.
/// Reading both pipes also keeps a chatty child from blocking on a full pipe.
/// </summary>
internal sealed class OutputTail
{
    private const int MaxLines = 60;
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public static OutputTail Attach(Process process)
    {
        var tail = new OutputTail();
        process.OutputDataReceived += (_, e) => tail.Add(e.Data);
        process.ErrorDataReceived += (_, e) => tail.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tail;
    }

    public override string ToString()
    {
        lock (_lock) return _lines.Count == 0 ? "(no output)" : string.Join(Environment.NewLine, _lines);
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lock)
        {
            _lines.Enqueue(line);
            if (_lines.Count > MaxLines) _lines.Dequeue();
        }
    }
}
