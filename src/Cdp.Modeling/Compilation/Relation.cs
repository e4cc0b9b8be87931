using Cdp.Engine;
using Cdp.Modeling.Templating;

namespace Cdp.Modeling.Compilation;

/// <summary>
/// What <c>ref()</c>, <c>source()</c> and <c>this</c> return in a template: a relation that renders as its quoted SQL
/// name (<c>"silver"."orders"</c>) and exposes <c>schema</c>, <c>identifier</c>/<c>name</c>, <c>database</c>.
/// An ephemeral model renders as the name of the CTE it is inlined as.
/// </summary>
public sealed class Relation(string schema, string identifier, string type, string? cteName = null) : ITemplateObject
{
    public string Schema { get; } = schema;

    public string Identifier { get; } = identifier;

    /// <summary>table, view, incremental, ephemeral, seed, source.</summary>
    public string Type { get; } = type;

    public bool TryGetAttribute(string name, out object? value)
    {
        value = name switch
        {
            "schema" => Schema,
            "identifier" or "name" or "table" => Identifier,
            "database" => "memory",
            "type" => Type,
            "is_table" => Type is Materializations.Table or Materializations.Incremental or Materializations.Seed or "source",
            "is_view" => Type is Materializations.View,
            "is_cte" => cteName is not null,
            _ => null,
        };
        return value is not null;
    }

    public override string ToString() => cteName is not null ? Sql.Identifier(cteName) : Sql.Qualified(Schema, Identifier);
}
