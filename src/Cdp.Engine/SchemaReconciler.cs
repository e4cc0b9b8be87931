using Cdp.Delta;
using Cdp.Delta.Schema;

namespace Cdp.Engine;

/// <summary>Decides the table schema a write produces, and how each input column is cast to it.</summary>
internal static class SchemaReconciler
{
    /// <summary>The Delta schema of a query's result columns.</summary>
    public static StructType FromColumns(IReadOnlyList<ResultColumn> columns, string location)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var fields = new List<StructField>();
        foreach (var c in columns)
        {
            if (string.IsNullOrWhiteSpace(c.Name)) throw DeltaErrors.SchemaMismatch(location, "the input has a column with an empty name");
            if (!seen.Add(c.Name)) throw DeltaErrors.SchemaMismatch(location, $"the input has column '{c.Name}' more than once (names are case-insensitive)");
            fields.Add(new StructField(c.Name, TypeMapping.FromDuckDb(c.Type, c.Name), Nullable: true));
        }
        return new StructType(fields);
    }

    /// <summary>The table schema after writing <paramref name="input"/> into <paramref name="table"/>.</summary>
    public static StructType Merge(StructType table, StructType input, bool mergeSchema, string location)
    {
        var fields = table.Fields.ToList();
        foreach (var column in input.Fields)
        {
            var existing = table.Find(column.Name);
            if (existing is null)
            {
                if (!mergeSchema)
                    throw DeltaErrors.SchemaMismatch(location, $"input column '{column.Name}' is not in the table and schema merging is off");
                fields.Add(column with { Nullable = true });
                continue;
            }
            if (!TypeMapping.CanWiden(column.Type, existing.Type))
                throw DeltaErrors.SchemaMismatch(location,
                    $"column '{existing.Name}' is {Describe(existing.Type)} in the table but {Describe(column.Type)} in the input; cast it in the query or overwrite the schema");
        }
        foreach (var field in table.Fields.Where(f => !f.Nullable && input.Find(f.Name) is null))
            throw DeltaErrors.SchemaMismatch(location, $"required column '{field.Name}' is missing from the input");
        return new StructType(fields);
    }

    /// <summary>SELECT list casting the input (aliased <c>src</c>) to the target schema; missing columns become NULL.</summary>
    public static string Projection(StructType target, StructType input)
        => string.Join(", ", target.Fields.Select(f =>
        {
            var name = Sql.Identifier(f.Name);
            var type = TypeMapping.ToDuckDb(f.Type, f.Name);
            return input.Find(f.Name) is { } source
                ? $"CAST(src.{Sql.Identifier(source.Name)} AS {type}) AS {name}"
                : $"CAST(NULL AS {type}) AS {name}";
        }));

    public static void ValidatePartitionColumns(StructType schema, IReadOnlyList<string> partitionBy, string location)
    {
        foreach (var column in partitionBy)
        {
            var field = schema.Find(column) ?? throw DeltaErrors.SchemaMismatch(location, $"partition column '{column}' is not a column of the input");
            if (field.Type is not (PrimitiveType or DecimalType) || field.Type == PrimitiveType.Binary)
                throw DeltaErrors.SchemaMismatch(location, $"partition column '{column}' has type {Describe(field.Type)}; only primitive columns can partition a table");
        }
        if (partitionBy.Count > 0 && partitionBy.Count == schema.Fields.Count)
            throw DeltaErrors.SchemaMismatch(location, "every column is a partition column; at least one column must be stored in the data files");
    }

    private static string Describe(DataType type) => type.ToJson().ToJsonString();
}
