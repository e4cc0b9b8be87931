using System.Text.Json.Nodes;
using Cdp.Delta.Actions;

namespace Cdp.Delta.Log;

/// <summary>
/// Reconciles actions in log order into table state: the newest protocol and metadata win, file actions are keyed by
/// path (and deletion vector), the newest txn per appId wins. Starts empty or from an earlier snapshot.
/// </summary>
internal sealed class LogReplay
{
    private readonly Dictionary<string, AddFile> _files;
    private readonly Dictionary<string, RemoveFile> _tombstones;
    private readonly Dictionary<string, SetTransaction> _txns;
    private readonly string _location;
    private Protocol? _protocol;
    private Metadata? _metadata;

    public LogReplay(string location)
    {
        _location = location;
        _files = new(StringComparer.Ordinal);
        _tombstones = new(StringComparer.Ordinal);
        _txns = new(StringComparer.Ordinal);
    }

    public LogReplay(Snapshot from)
    {
        _location = from.Location;
        _protocol = from.Protocol;
        _metadata = from.Metadata;
        _files = from.Files.ToDictionary(f => Key(f.Path, f.DeletionVector), StringComparer.Ordinal);
        _tombstones = from.Tombstones.ToDictionary(t => Key(t.Path, t.DeletionVector), StringComparer.Ordinal);
        _txns = new(from.AppTransactions, StringComparer.Ordinal);
    }

    public void Apply(DeltaAction action)
    {
        switch (action)
        {
            case Protocol p: _protocol = p; break;
            case Metadata m: _metadata = m; break;
            case AddFile a:
                var added = Key(a.Path, a.DeletionVector);
                _files[added] = a;
                _tombstones.Remove(added);
                break;
            case RemoveFile r:
                var removed = Key(r.Path, r.DeletionVector);
                _files.Remove(removed);
                _tombstones[removed] = r;
                break;
            case SetTransaction t: _txns[t.AppId] = t; break;
        }
    }

    // Files are matched by canonical path (and deletion vector), not by how each action happened to spell the path.
    private string Key(string path, JsonObject? deletionVector)
        => DeltaPath.Canonical(_location, path) + (deletionVector is null ? "" : "#" + AddFile.DeletionVectorId(deletionVector));

    /// <summary>The snapshot of the state so far; refuses a state without protocol or metadata, or one we cannot read.</summary>
    public Snapshot Build(string location, long version, DateTimeOffset timestamp)
    {
        if (_protocol is null) throw DeltaErrors.MissingAction(location, version, "protocol");
        ProtocolSupport.EnsureReadable(location, _protocol, _metadata);
        if (_metadata is null) throw DeltaErrors.MissingAction(location, version, "metaData");
        var live = _files.Values.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        return new Snapshot(location, version, timestamp, _protocol, _metadata, live, _tombstones.Values.ToList(), new Dictionary<string, SetTransaction>(_txns));
    }
}
