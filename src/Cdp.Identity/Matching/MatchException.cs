namespace Cdp.Identity.Matching;

/// <summary>
/// A user error in match settings or input: the message names the file and line, or the column, and how to fix it.
/// Built by <see cref="MatchErrors"/> only.
/// </summary>
public sealed class MatchException : Exception
{
    internal MatchException(string message) : base(message)
    {
    }
}

/// <summary>Every user-facing matching error, worded in one place.</summary>
internal static class MatchErrors
{
    public static MatchException Settings(string source, int line, string problem)
        => new(line > 0 ? $"{source}:{line}: {problem}" : $"{source}: {problem}");

    public static MatchException SettingsFileMissing(string path)
        => new($"Settings file '{path}' does not exist.");

    public static MatchException UnknownColumn(string column, string usedAs, IEnumerable<string> available)
        => new($"Column '{column}' ({usedAs}) is not in the input; available columns: {string.Join(", ", available)}.");

    public static MatchException DuplicateId(string column, string value, long count)
        => new($"The unique id column '{column}' is not unique: '{value}' appears {count} times. Choose a column that identifies one record.");

    public static MatchException BlockingRule(int index, string rule, string reason)
        => new($"Blocking rule {index + 1} ('{rule}') does not run: {reason}");

    public static MatchException Invalid(string what)
        => new(what);
}
