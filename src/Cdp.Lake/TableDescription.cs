using Cdp.Delta;
using Cdp.Delta.Schema;

namespace Cdp.Lake;

/// <summary>What <c>cdp lake describe</c> shows about a table.</summary>
public sealed record TableDescription(
    string Location,
    long Version,
    DateTimeOffset Timestamp,
    int MinReaderVersion,
    int MinWriterVersion,
    IReadOnlyList<string> ReaderFeatures,
    IReadOnlyList<string> WriterFeatures,
    IReadOnlyList<ColumnDescription> Columns,
    IReadOnlyList<string> PartitionColumns,
    IReadOnlyDictionary<string, string> Properties,
    int Files,
    long Bytes,
    long? Rows,
    string TableId,
    string? Name)
{
    public static TableDescription From(Snapshot s) => new(
        s.Location,
        s.Version,
        s.Timestamp,
        s.Protocol.MinReaderVersion,
        s.Protocol.MinWriterVersion,
        s.Protocol.ReaderFeatures ?? [],
        s.Protocol.WriterFeatures ?? [],
        s.Schema.Fields.Select(f => new ColumnDescription(f.Name, TypeText(f.Type), f.Nullable)).ToList(),
        s.PartitionColumns,
        s.Configuration,
        s.Files.Count,
        s.TotalBytes,
        s.TotalRows,
        s.Metadata.Id,
        s.Metadata.Name);

    private static string TypeText(DataType type) => type is PrimitiveType or DecimalType ? type.ToJson().GetValue<string>() : type.ToJson().ToJsonString();
}

public sealed record ColumnDescription(string Name, string Type, bool Nullable);
