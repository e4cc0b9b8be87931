namespace Cdp.Identity.Tests.Matching;

/// <summary>Writes a line where `dotnet test --logger "console;verbosity=minimal"` shows it for passing tests.</summary>
internal static class TestConsole
{
    public static void WriteLine(string line)
    {
        Console.Out.WriteLine("[out] " + line);
        Console.Error.WriteLine("[err] " + line);
    }
}
