namespace Cdp.Cli.Output;

/// <summary>
/// Reports on the reporting thread, one report at a time (Progress&lt;T&gt; would post to the thread pool and reorder
/// progress lines).
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _lock = new();

    public void Report(T value)
    {
        lock (_lock) report(value);
    }
}
