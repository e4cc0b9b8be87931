using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.Delta;
using Cdp.Engine;

namespace Cdp.Ml.Registry;

/// <summary>
/// The registry of trained models: the Delta table <c>ml_models</c> in the gold zone, one row per registered model
/// version holding its description, its artifact (the saved model's bytes) and the artifact's SHA-256. A registration
/// is one commit, so it is all there or not at all.
/// </summary>
/// <remarks>
/// Versions are 1, 2, 3... per model name, unique and without gaps even when several processes register the same
/// model at once. A plain append is blind (it reads nothing, so it never conflicts): two registrations that both read
/// "latest is 3" would both commit version 4. So each registration's commit also carries a Delta app transaction
/// (<c>txn</c> action) with app id <c>ml_models/&lt;model name&gt;</c> and the version it claims. The Delta writer
/// skips a commit whose app id already holds that version or a later one, both in the snapshot it reads and in every
/// commit that wins the put-if-absent race for a log entry before it; such a skipped registration re-reads the
/// latest version and tries the next one. The next version is one past the larger of the highest row and the app
/// transaction's version, so a version number is never reused, even after rows were deleted. A second app transaction
/// per commit, for the description's run id, makes a run's retries register that model once.
/// </remarks>
public sealed class ModelRegistry
{
    /// <summary>The table's name in the gold zone.</summary>
    public const string TableName = "ml_models";

    /// <summary>How many times a registration re-reads and retries after other registrations of the same model took its version.</summary>
    public const int MaxAttempts = 100;

    private readonly DuckDbEngine _engine;
    private readonly DeltaTable _table;
    private readonly DeltaWriter _writer;
    private readonly TimeProvider _clock;

    /// <param name="engine">Runs the SQL that writes and reads the table.</param>
    /// <param name="openGold">Opens a Delta table by its name in the gold zone; it is called once, with <see cref="TableName"/>.</param>
    /// <param name="clock">Stamps <see cref="RegisteredModel.TrainedAt"/>; the system clock by default.</param>
    public ModelRegistry(DuckDbEngine engine, Func<string, DeltaTable> openGold, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(openGold);
        _engine = engine;
        _table = openGold(TableName);
        _writer = new DeltaWriter(engine);
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Where the table lives (for messages).</summary>
    public string Location => _table.Location;

    /// <summary>
    /// Registers a model as the next version of its name, stamped with the current UTC time, in one commit.
    /// Registration is idempotent by run id: when this model already has a version registered by
    /// <see cref="ModelDescription.RunId"/> (a scheduler's retry of a training run killed after it registered), that
    /// version is returned and nothing is written. The commit also records the run as a Delta <c>txn</c>, so two
    /// registrations of one run at once register one version.
    /// An invalid description is an <see cref="ArgumentException"/> naming the field; nothing is written.
    /// </summary>
    public async Task<RegisteredModel> RegisterAsync(ModelDescription description, byte[] artifact, CancellationToken cancellationToken = default)
        => (await RegisterOnceAsync(description, artifact, cancellationToken).ConfigureAwait(false)).Model;

    /// <summary>As <see cref="RegisterAsync"/>; <c>Written</c> is false when the run had registered this model already.</summary>
    public async Task<(RegisteredModel Model, bool Written)> RegisterOnceAsync(ModelDescription description, byte[] artifact, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(artifact);
        ModelRows.Validate(description, artifact);
        var sha256 = ModelRows.Sha256(artifact);
        if (await FindRunAsync(description.ModelName, description.RunId, cancellationToken).ConfigureAwait(false) is { } registered) return (registered, false);
        var now = _clock.GetUtcNow();
        var trainedAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero); // Delta timestamps keep microseconds
        var staged = "__cdp_ml_registration_" + Guid.NewGuid().ToString("N");
        var columns = ModelRows.Staged(description, trainedAt, artifact, sha256).Select(c => $"CAST({c.Value} AS {c.Type}) AS {Sql.Identifier(c.Column)}");
        await _engine.ExecuteAsync($"CREATE TEMP TABLE {staged} AS SELECT {string.Join(", ", columns)}", cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var version = await NextVersionAsync(description.ModelName, cancellationToken).ConfigureAwait(false);
                var result = await _writer.WriteAsync(_table, ModelRows.WithVersion(staged, version), WriteMode.Append, new WriteOptions
                {
                    TableName = TableName,
                    AppTransactions = [(AppId(description.ModelName), version), (RunAppId(description.ModelName, description.RunId), 1)],
                    CommitInfo = new JsonObject { ["modelName"] = description.ModelName, ["modelVersion"] = version, ["runId"] = description.RunId },
                }, cancellationToken).ConfigureAwait(false);
                if (!result.AlreadyCommitted) return (new RegisteredModel(description, version, trainedAt, sha256), true);
                // Another registration of this run got there first: that is the run's version.
                if (await FindRunAsync(description.ModelName, description.RunId, cancellationToken).ConfigureAwait(false) is { } theirs) return (theirs, false);
                // Another registration of this model claimed the version first: read again and claim the next.
            }
            throw RegistryErrors.TooManyRaces(Location, description.ModelName, MaxAttempts);
        }
        finally
        {
            await _engine.ExecuteAsync($"DROP TABLE IF EXISTS {staged}", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The highest version of a model, or null when it has none (an expected outcome, not an error).</summary>
    public async Task<RegisteredModel?> LatestAsync(string modelName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        return await FindAsync(modelName, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One version of a model, or null when there is no such version.</summary>
    public async Task<RegisteredModel?> GetAsync(string modelName, long version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        return await FindAsync(modelName, version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One version of a model, or its latest when <paramref name="version"/> is null. An unknown model or version is a
    /// <see cref="ModelRegistryException"/> listing the models and versions there are.
    /// </summary>
    public async Task<RegisteredModel> RequireAsync(string modelName, long? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        return await FindAsync(modelName, version, cancellationToken).ConfigureAwait(false)
            ?? throw await NotFoundAsync(modelName, version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every registered model version, without artifact bytes, by model name and version.</summary>
    public async Task<IReadOnlyList<RegisteredModel>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (await ScanAsync(cancellationToken).ConfigureAwait(false) is not { } scan) return [];
        var result = await _engine.QueryAsync(
            $"SELECT {ModelRows.Projection} FROM ({scan}) AS t ORDER BY {Sql.Identifier(ModelRows.ModelName)}, {Sql.Identifier(ModelRows.Version)}",
            cancellationToken).ConfigureAwait(false);
        return result.Rows.Select(r => ModelRows.Parse(r, Location)).ToList();
    }

    /// <summary>
    /// The artifact bytes of one model version, checked against the SHA-256 recorded when it was registered. An unknown
    /// model or version, or bytes that no longer match, is a <see cref="ModelRegistryException"/> naming the model and version.
    /// </summary>
    public async Task<byte[]> ArtifactAsync(string modelName, long version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        var rows = await ScanAsync(cancellationToken).ConfigureAwait(false) is { } scan
            ? (await _engine.QueryAsync(
                $"SELECT to_base64({Sql.Identifier(ModelRows.Artifact)}), {Sql.Identifier(ModelRows.ArtifactSha256)} FROM ({scan}) AS t WHERE {Match(modelName, version)} LIMIT 2",
                cancellationToken).ConfigureAwait(false)).Rows
            : [];
        if (rows.Count == 0) throw await NotFoundAsync(modelName, version, cancellationToken).ConfigureAwait(false);
        if (rows.Count > 1) throw RegistryErrors.DuplicateVersion(Location, modelName, version);
        var recorded = rows[0][1] as string ?? throw RegistryErrors.MalformedRow(Location, modelName, version, ModelRows.ArtifactSha256, "it is missing");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(rows[0][0] as string ?? "");
        }
        catch (FormatException e)
        {
            throw RegistryErrors.MalformedRow(Location, modelName, version, ModelRows.Artifact, "it cannot be read as bytes", e);
        }
        var actual = ModelRows.Sha256(bytes);
        if (!string.Equals(actual, recorded, StringComparison.OrdinalIgnoreCase))
            throw RegistryErrors.ArtifactCorrupt(Location, modelName, version, recorded, actual);
        return bytes;
    }

    /// <summary>The version of a model registered by a run, or null when that run registered none.</summary>
    public async Task<RegisteredModel?> FindRunAsync(string modelName, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        ArgumentNullException.ThrowIfNull(runId);
        if (await ScanAsync(cancellationToken).ConfigureAwait(false) is not { } scan) return null;
        var result = await _engine.QueryAsync(
            $"SELECT {ModelRows.Projection} FROM ({scan}) AS t WHERE {Match(modelName, null)} AND run_id = {Sql.Literal(runId)} " +
            $"ORDER BY {Sql.Identifier(ModelRows.Version)} LIMIT 1", cancellationToken).ConfigureAwait(false);
        return result.Rows.Count == 0 ? null : ModelRows.Parse(result.Rows[0], Location);
    }

    private static string AppId(string modelName) => TableName + "/" + modelName;

    // Hashed, so any run id gives an appId of one length and alphabet.
    private static string RunAppId(string modelName, string runId)
        => $"{TableName}-run/{modelName}/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(runId)))[..32]}";

    private static string Match(string modelName, long? version)
        => $"{Sql.Identifier(ModelRows.ModelName)} = {Sql.Literal(modelName)}"
           + (version is { } v ? $" AND {Sql.Identifier(ModelRows.Version)} = {Sql.Literal(v)}" : "");

    /// <summary>The SELECT over the latest snapshot, or null when no model has been registered yet.</summary>
    private async Task<string?> ScanAsync(CancellationToken ct)
        => await _table.TryGetSnapshotAsync(ct).ConfigureAwait(false) is { } snapshot
            ? await SnapshotScan.BuildAsync(_engine, _table.Store, snapshot, cancellationToken: ct).ConfigureAwait(false)
            : null;

    private async Task<long> NextVersionAsync(string modelName, CancellationToken ct)
    {
        if (await _table.TryGetSnapshotAsync(ct).ConfigureAwait(false) is not { } snapshot) return 1;
        var scan = await SnapshotScan.BuildAsync(_engine, _table.Store, snapshot, cancellationToken: ct).ConfigureAwait(false);
        var highest = await _engine.QueryAsync(
            $"SELECT coalesce(max({Sql.Identifier(ModelRows.Version)}), 0) FROM ({scan}) AS t WHERE {Match(modelName, null)}", ct).ConfigureAwait(false);
        return Math.Max(ModelRows.Long(highest.Scalar), snapshot.AppTransactionVersion(AppId(modelName)) ?? 0) + 1;
    }

    private async Task<RegisteredModel?> FindAsync(string modelName, long? version, CancellationToken ct)
    {
        if (await ScanAsync(ct).ConfigureAwait(false) is not { } scan) return null;
        var result = await _engine.QueryAsync(
            $"SELECT {ModelRows.Projection} FROM ({scan}) AS t WHERE {Match(modelName, version)} ORDER BY {Sql.Identifier(ModelRows.Version)} DESC LIMIT 2", ct).ConfigureAwait(false);
        if (result.Rows.Count == 0) return null;
        if (version is { } v && result.Rows.Count > 1) throw RegistryErrors.DuplicateVersion(Location, modelName, v);
        return ModelRows.Parse(result.Rows[0], Location);
    }

    /// <summary>The error for a model or version that is not there, listing what is.</summary>
    private async Task<ModelRegistryException> NotFoundAsync(string modelName, long? version, CancellationToken ct)
    {
        var models = new List<(string Name, IReadOnlyList<long> Versions)>();
        if (await ScanAsync(ct).ConfigureAwait(false) is { } scan)
        {
            var versionColumn = Sql.Identifier(ModelRows.Version);
            var result = await _engine.QueryAsync(
                $"SELECT {Sql.Identifier(ModelRows.ModelName)}, string_agg(CAST({versionColumn} AS VARCHAR), ',' ORDER BY {versionColumn}) FROM ({scan}) AS t GROUP BY 1 ORDER BY 1", ct).ConfigureAwait(false);
            models.AddRange(result.Rows.Select(r => ((string)r[0]!, (IReadOnlyList<long>)((string)r[1]!).Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray())));
        }
        var model = models.FirstOrDefault(m => m.Name == modelName);
        return model.Name is null || version is null
            ? RegistryErrors.UnknownModel(Location, modelName, models)
            : RegistryErrors.UnknownVersion(Location, modelName, version.Value, model.Versions);
    }
}
