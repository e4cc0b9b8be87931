using System.Text;

namespace Cdp.Modeling.Compilation;

/// <summary>
/// Inlines ephemeral models as common table expressions at the top of a query: into its WITH clause when it has one,
/// or as a new one. Leading comments are kept in front.
/// </summary>
internal static class CteInjector
{
    public static string Inject(string sql, IReadOnlyList<(string Name, string Sql)> ctes)
    {
        if (ctes.Count == 0) return sql;
        var start = SkipTrivia(sql, 0);
        var definitions = new StringBuilder();
        foreach (var (name, body) in ctes)
        {
            if (definitions.Length > 0) definitions.Append(", ");
            definitions.Append(Engine.Sql.Identifier(name)).Append(" AS (\n").Append(body.Trim()).Append("\n)");
        }

        if (IsWord(sql, start, "with"))
        {
            var afterWith = SkipTrivia(sql, start + 4);
            var insertAt = IsWord(sql, afterWith, "recursive") ? SkipTrivia(sql, afterWith + 9) : afterWith;
            return sql[..insertAt] + definitions + ",\n" + sql[insertAt..];
        }
        return sql[..start] + "WITH " + definitions + "\n" + sql[start..];
    }

    /// <summary>The statement without trailing whitespace and semicolons (models are single SELECTs).</summary>
    public static string TrimStatement(string sql) => sql.TrimEnd().TrimEnd(';').TrimEnd();

    private static bool IsWord(string sql, int at, string word)
        => at + word.Length <= sql.Length
           && string.Compare(sql, at, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
           && (at + word.Length == sql.Length || !(char.IsLetterOrDigit(sql[at + word.Length]) || sql[at + word.Length] == '_'));

    private static int SkipTrivia(string sql, int i)
    {
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i])) i++;
            else if (sql.AsSpan(i).StartsWith("--"))
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (sql.AsSpan(i).StartsWith("/*"))
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else break;
        }
        return i;
    }
}
