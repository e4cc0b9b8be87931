using Cdp.Delta.Actions;
using Cdp.Delta.Schema;

namespace Cdp.Delta;

/// <summary>
/// What this implementation can read and write. Reader: protocol 1, and reader 3 with only the features below.
/// Writer: protocol 2 (appendOnly, and invariants only when no column declares one), or writer 7 with appendOnly.
/// Anything else is refused with the feature's name, so a table is never read or written wrongly.
/// </summary>
public static class ProtocolSupport
{
    /// <summary>Reader features whose data this implementation reads correctly.</summary>
    public static readonly IReadOnlySet<string> ReaderFeatures = new HashSet<string>(StringComparer.Ordinal)
    {
        "timestampNtz",
        "vacuumProtocolCheck",
    };

    /// <summary>Writer features this implementation honours when writing.</summary>
    public static readonly IReadOnlySet<string> WriterFeatures = new HashSet<string>(StringComparer.Ordinal)
    {
        "appendOnly",
    };

    public static void EnsureReadable(string location, Protocol protocol, Metadata? metadata)
    {
        switch (protocol.MinReaderVersion)
        {
            case 1:
                break;
            case 2:
                // Reader 2 means column mapping; with mode 'none' (or unset) the files use the logical names.
                if (metadata is not null && ColumnMappingMode(metadata) != "none")
                    throw DeltaErrors.UnsupportedReaderFeature(location, "columnMapping");
                break;
            case 3:
                foreach (var feature in protocol.ReaderFeatures ?? [])
                {
                    if (feature == "columnMapping" && metadata is not null && ColumnMappingMode(metadata) == "none") continue;
                    if (!ReaderFeatures.Contains(feature)) throw DeltaErrors.UnsupportedReaderFeature(location, feature);
                }
                break;
            default:
                throw DeltaErrors.InvalidProtocol(location, protocol.MinReaderVersion, protocol.MinWriterVersion);
        }
        if (protocol.MinWriterVersion is < 1 or > 7 || protocol.MinReaderVersion < 1)
            throw DeltaErrors.InvalidProtocol(location, protocol.MinReaderVersion, protocol.MinWriterVersion);
    }

    public static void EnsureWritable(string location, Protocol protocol, Metadata metadata)
    {
        EnsureReadable(location, protocol, metadata);
        if (protocol.MinWriterVersion == 7)
        {
            foreach (var feature in protocol.WriterFeatures ?? [])
            {
                if (!WriterFeatures.Contains(feature)) throw DeltaErrors.UnsupportedWriterFeature(location, feature);
            }
            return;
        }
        if (protocol.MinWriterVersion > 2)
            throw DeltaErrors.UnsupportedWriterFeature(location, protocol.MinWriterVersion switch
            {
                3 => "checkConstraints",
                4 => "changeDataFeed / generatedColumns",
                5 => "columnMapping",
                _ => "identityColumns",
            });
        var schemaString = metadata.SchemaString ?? throw new InvalidOperationException($"Bug: writing '{location}' with metadata that has no schemaString (snapshots refuse such metadata).");
        if (HasInvariants(SchemaJson.Parse(schemaString)))
            throw DeltaErrors.UnsupportedWriterFeature(location, "invariants");
    }

    private static string ColumnMappingMode(Metadata metadata)
        => metadata.Configuration.TryGetValue("delta.columnMapping.mode", out var mode) ? mode : "none";

    private static bool HasInvariants(StructType schema)
        => schema.Fields.Any(f => f.Metadata?.ContainsKey("delta.invariants") == true || (f.Type is StructType s && HasInvariants(s)));
}
