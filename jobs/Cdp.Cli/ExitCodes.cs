namespace Cdp.Cli;

/// <summary>The exit codes of every <c>cdp</c> command (also listed in <c>cdp --help</c>).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran and failed: bad input, unreadable table, SQL error.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong (unknown command or option, missing argument).</summary>
    public const int Usage = 2;

    /// <summary>Another writer changed the table in a way that conflicts; re-running is safe.</summary>
    public const int Conflict = 3;

    /// <summary><c>cdp sync</c>: a destination failed or was disabled, or records are still pending; re-running resumes.</summary>
    public const int SyncIncomplete = 4;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
