using Cdp.Engine;

namespace Cdp.Audiences.Compilation;

/// <summary>
/// Prepares the relation audiences are defined on: a temp view of the profiles with the scores and segments of each
/// person joined when those tables exist (a score or segment column whose name the profiles already have is left
/// out), and the schema the compiler checks names against.
/// </summary>
public static class AudienceBase
{
    public const string View = "_cdp_audience_base";

    /// <returns>The relations with <see cref="AudienceRelations.Profiles"/> replaced by the prepared view, and its schema.</returns>
    public static async Task<(AudienceRelations Relations, AudienceSchema Schema)> PrepareAsync(DuckDbEngine engine, AudienceRelations relations,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(relations);
        var profiles = await ColumnsAsync(engine, relations.Profiles, cancellationToken).ConfigureAwait(false)
            ?? throw new AudienceException($"Audiences need the profiles relation {relations.Profiles}, which does not exist: build the profile models first (cdp models run).");
        if (!profiles.Any(c => c.Name == "person_id"))
            throw new AudienceException($"The profiles relation {relations.Profiles} has no person_id column.");
        var columns = profiles.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        var select = new List<string> { "p.*" };
        var joins = new List<string>();
        foreach (var (relation, alias) in new[] { (relations.Scores, "s"), (relations.Segments, "g") })
        {
            if (relation is null || await ColumnsAsync(engine, relation, cancellationToken).ConfigureAwait(false) is not { } extra) continue;
            if (!extra.Any(c => c.Name == "person_id")) continue;
            foreach (var column in extra.Where(c => !columns.ContainsKey(c.Name)))
            {
                columns[column.Name] = column.Type;
                select.Add($"{alias}.{Sql.Identifier(column.Name)}");
            }
            joins.Add($"LEFT JOIN {relation} AS {alias} ON {alias}.person_id = p.person_id");
        }
        await engine.ExecuteAsync($"CREATE OR REPLACE TEMP VIEW {View} AS SELECT {string.Join(", ", select)} FROM {relations.Profiles} AS p {string.Join(" ", joins)}",
            cancellationToken).ConfigureAwait(false);
        var hasConsents = await ColumnsAsync(engine, relations.Consents, cancellationToken).ConfigureAwait(false) is not null;
        var hasActivity = await ColumnsAsync(engine, relations.Activity, cancellationToken).ConfigureAwait(false) is not null;
        // Relations an audience can take its members from (a SQL model's table or view): any with a person_id column.
        var models = (await engine.QueryAsync(
                "SELECT DISTINCT table_schema, table_name FROM information_schema.columns WHERE column_name = 'person_id'", cancellationToken).ConfigureAwait(false))
            .Rows.Select(r => $"{r[0]}.{r[1]}").ToHashSet(StringComparer.Ordinal);
        return (relations with { Profiles = View }, new AudienceSchema(columns, hasConsents, hasActivity) { Models = models });
    }

    /// <summary>The columns of a relation, or null when it does not exist.</summary>
    internal static async Task<IReadOnlyList<ResultColumn>?> ColumnsAsync(DuckDbEngine engine, string relation, CancellationToken ct)
    {
        try
        {
            return await engine.DescribeAsync($"SELECT * FROM {relation}", ct).ConfigureAwait(false);
        }
        catch (SqlEngineException)
        {
            return null;
        }
    }
}
