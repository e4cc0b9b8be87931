using Xunit.Abstractions;
using Xunit.Sdk;

namespace Cdp.Ml.Tests;

/// <summary>
/// Sends a line to the runner as an xunit diagnostic message, which the VSTest adapter prints even at minimal
/// verbosity when xunit.runner.json enables diagnostic messages (ITestOutputHelper output is shown only for failures).
/// </summary>
public sealed class TestConsole(IMessageSink sink)
{
    public void WriteLine(string line) => sink.OnMessage(new DiagnosticMessage(line));
}
