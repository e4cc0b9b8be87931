using System.Text.Json.Nodes;
using Cdp.Delta.Actions;

namespace Cdp.Delta.Tests.Fixtures;

/// <summary>
/// Field-by-field equality of actions and snapshots. The action records hold dictionaries and JSON nodes, which
/// record equality compares by reference, so tests compare their contents here.
/// </summary>
public static class ActionAssert
{
    public static void Equal(DeltaAction expected, DeltaAction actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        switch (expected, actual)
        {
            case (Protocol e, Protocol a):
                Assert.Equal(e.MinReaderVersion, a.MinReaderVersion);
                Assert.Equal(e.MinWriterVersion, a.MinWriterVersion);
                Assert.Equal(e.ReaderFeatures, a.ReaderFeatures);
                Assert.Equal(e.WriterFeatures, a.WriterFeatures);
                break;
            case (Metadata e, Metadata a):
                Assert.Equal(e.Id, a.Id);
                Assert.Equal(e.Name, a.Name);
                Assert.Equal(e.Description, a.Description);
                Assert.Equal(e.FormatProvider, a.FormatProvider);
                Assert.Equal(Sorted(e.FormatOptions), Sorted(a.FormatOptions));
                Assert.Equal(e.SchemaString, a.SchemaString);
                Assert.Equal(e.PartitionColumns, a.PartitionColumns);
                Assert.Equal(Sorted(e.Configuration), Sorted(a.Configuration));
                Assert.Equal(e.CreatedTime, a.CreatedTime);
                break;
            case (AddFile e, AddFile a):
                Assert.Equal(e.Path, a.Path);
                Assert.Equal(Sorted(e.PartitionValues), Sorted(a.PartitionValues));
                Assert.Equal(e.Size, a.Size);
                Assert.Equal(e.ModificationTime, a.ModificationTime);
                Assert.Equal(e.DataChange, a.DataChange);
                JsonEqual(e.Stats, a.Stats);
                Assert.Equal(e.Tags is null ? null : Sorted(e.Tags), a.Tags is null ? null : Sorted(a.Tags));
                Assert.True(JsonNode.DeepEquals(e.DeletionVector, a.DeletionVector), $"deletionVector differs for {e.Path}");
                break;
            case (RemoveFile e, RemoveFile a):
                Assert.Equal(e.Path, a.Path);
                Assert.Equal(e.DeletionTimestamp, a.DeletionTimestamp);
                Assert.Equal(e.DataChange, a.DataChange);
                Assert.Equal(e.ExtendedFileMetadata, a.ExtendedFileMetadata);
                Assert.Equal(e.PartitionValues is null ? null : Sorted(e.PartitionValues), a.PartitionValues is null ? null : Sorted(a.PartitionValues));
                Assert.Equal(e.Size, a.Size);
                JsonEqual(e.Stats, a.Stats);
                Assert.True(JsonNode.DeepEquals(e.DeletionVector, a.DeletionVector), $"deletionVector differs for {e.Path}");
                break;
            case (SetTransaction e, SetTransaction a):
                Assert.Equal(e, a);
                break;
            case (CommitInfo e, CommitInfo a):
                Assert.True(JsonNode.DeepEquals(e.Value, a.Value), $"commitInfo differs: {e.Value.ToJsonString()} vs {a.Value.ToJsonString()}");
                break;
            case (UnknownAction e, UnknownAction a):
                Assert.Equal(e.Name, a.Name);
                Assert.True(JsonNode.DeepEquals(e.Value, a.Value), $"action '{e.Name}' differs");
                break;
            default:
                Assert.Fail($"no comparison for {expected.GetType().Name}");
                break;
        }
    }

    /// <summary>Protocol, metadata, live files, app transactions and (optionally) tombstones are the same.</summary>
    public static void SameState(Snapshot expected, Snapshot actual, bool tombstones = true)
    {
        Assert.Equal(expected.Version, actual.Version);
        Equal(expected.Protocol, actual.Protocol);
        Equal(expected.Metadata, actual.Metadata);
        Assert.Equal(expected.Files.Select(f => f.Path), actual.Files.Select(f => f.Path));
        for (var i = 0; i < expected.Files.Count; i++) Equal(expected.Files[i], actual.Files[i]);
        Assert.Equal(
            expected.AppTransactions.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value),
            actual.AppTransactions.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value));
        if (!tombstones) return;
        var e = expected.Tombstones.OrderBy(t => t.Path, StringComparer.Ordinal).ToList();
        var a = actual.Tombstones.OrderBy(t => t.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(e.Select(t => t.Path), a.Select(t => t.Path));
        for (var i = 0; i < e.Count; i++) Equal(e[i], a[i]);
    }

    private static void JsonEqual(string? expected, string? actual)
    {
        if (expected is null || actual is null)
        {
            Assert.Equal(expected, actual);
            return;
        }
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"stats differ: {expected} vs {actual}");
    }

    private static List<KeyValuePair<string, TValue>> Sorted<TValue>(IReadOnlyDictionary<string, TValue> map)
        => map.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
}
