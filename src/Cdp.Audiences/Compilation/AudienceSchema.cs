namespace Cdp.Audiences.Compilation;

/// <summary>
/// What an audience can be defined on: the columns of the profile relation (name → DuckDB type) and whether the
/// consent and activity relations exist. Column names are matched exactly, as DuckDB quoted identifiers are.
/// </summary>
public sealed record AudienceSchema(IReadOnlyDictionary<string, string> Columns, bool HasConsents, bool HasActivity)
{
    public bool Has(string column) => Columns.ContainsKey(column);

    public bool IsList(string column) => Columns.TryGetValue(column, out var type) && type.EndsWith(']');

    /// <summary>The relations with a person_id column, as <c>schema.name</c>: what a model condition may read.</summary>
    public IReadOnlySet<string> Models { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public bool HasModel(string schema, string name) => Models.Contains($"{schema}.{name}");
}
