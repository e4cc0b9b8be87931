using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations;

/// <summary>One column of a drop file: its name, its type as the manifest spells it (<c>string</c> or <c>int64</c>), and whether it may be null.</summary>
internal sealed record DropColumn(string Name, string Type, bool Nullable);

/// <summary>
/// The columns of a batch's drop file: operation, person_id, then the export columns as nullable strings. Export column
/// names must be non-empty and distinct from each other and from the two fixed columns, ignoring case (DuckDB and most
/// Parquet and CSV readers fold case), or a reader could not tell the columns apart.
/// </summary>
internal sealed record DropSchema(IReadOnlyList<DropColumn> Columns)
{
    public const string Operation = "operation";
    public const string PersonId = "person_id";

    public static DropSchema Of(string destination, DeliveryBatch batch)
    {
        var columns = new List<DropColumn> { new(Operation, "string", false), new(PersonId, "int64", false) };
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Operation, PersonId };
        foreach (var name in batch.Columns)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('\0'))
                throw new ArgumentException($"File drop '{destination}': export column names must be non-empty and free of NUL characters.", nameof(batch));
            if (!seen.Add(name))
                throw new ArgumentException($"File drop '{destination}': export column '{name}' repeats another column of the drop file (names are compared ignoring case; '{Operation}' and '{PersonId}' are taken).", nameof(batch));
            columns.Add(new DropColumn(name, "string", true));
        }
        foreach (var record in batch.Records)
        {
            if (record.Fields.Count != batch.Columns.Count)
                throw new ArgumentException($"Bug: batch '{batch.BatchId}' for file drop '{destination}' has a record of person {record.PersonId} with {record.Fields.Count} fields for {batch.Columns.Count} export columns.", nameof(batch));
        }
        return new DropSchema(columns);
    }
}
