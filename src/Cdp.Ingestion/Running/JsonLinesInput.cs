using System.Globalization;
using Cdp.Engine;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Staging;

namespace Cdp.Ingestion.Running;

/// <summary>
/// JSON lines: the staged copy holds only valid objects, each with its line number. DuckDB infers the types from a
/// sample (its first lines, written apart by the staging and described while the rest is staged), or from every
/// line when the staging saw a key, or a kind of value, the sample missed. When the sample also reads with those
/// types given explicitly (dates and timestamps in ISO form, no nested objects), the staged copy is read with them,
/// so DuckDB does not sample it again each time the query is bound. Declared columns are read as text and
/// cast with TRY_CAST: a line whose value does not cast is left out of the data and quarantined with its raw text.
/// </summary>
internal static class JsonLinesInput
{
    /// <summary>Stages the file and, as soon as its first lines are staged, has DuckDB infer their types.</summary>
    /// <returns>The staged input and the types inferred from its sample (null when nothing was staged).</returns>
    public static async Task<(StagedInput Staged, JsonSample? Sampled)> StageAsync(DuckDbEngine engine, string inputPath, bool gzip,
        string stagingDir, Action<long> onBytes, CancellationToken ct)
    {
        var sample = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var staging = Task.Run(() => JsonLinesStager.StageAsync(inputPath, gzip, stagingDir, onBytes, sample, ct), CancellationToken.None);
        var describe = DescribeSampleAsync(engine, sample.Task, ct);
        try
        {
            var staged = await staging.ConfigureAwait(false);
            return (staged, await describe.ConfigureAwait(false));
        }
        catch
        {
            // The staging failed: the description of its sample is not wanted (and must not outlive the folder).
            sample.TrySetCanceled(CancellationToken.None);
            await describe.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<JsonSample?> DescribeSampleAsync(DuckDbEngine engine, Task<string?> sample, CancellationToken ct)
    {
        var path = await sample.ConfigureAwait(false);
        if (path is null) return null;
        var columns = await engine.DescribeAsync($"SELECT * FROM {ReadJson(path, "")}", ct).ConfigureAwait(false);
        // Given the types, DuckDB drops a key of a nested object that the sample did not have; detecting them, it refuses it.
        if (columns.Any(c => c.Type.Contains("STRUCT(", StringComparison.Ordinal) || c.Type.StartsWith("MAP(", StringComparison.Ordinal)))
            return new JsonSample(columns, ReadsExplicitly: false);
        try
        {
            // count(COLUMNS(*)) reads every column, so every value is converted to its type.
            await engine.QueryAsync($"SELECT count(COLUMNS(*)) FROM {ReadJson(path, Columns(columns, _ => false))}", ct).ConfigureAwait(false);
            return new JsonSample(columns, ReadsExplicitly: true);
        }
        catch (SqlEngineException)
        {
            // A date or timestamp format DuckDB detected, which the explicit types do not read: let it detect again.
            return new JsonSample(columns, ReadsExplicitly: false);
        }
    }

    /// <summary>
    /// Whether the types inferred from the sample hold every staged line: every key was sampled, and every kind of
    /// value seen for a key reads as its type without change. DuckDB rounds a fraction into a whole-number column and
    /// turns text or numbers into booleans without a word, so such a value beyond the sample means inferring from
    /// every line instead.
    /// </summary>
    internal static bool SampleCovers(IReadOnlyList<ResultColumn> inferred, StagedInput staged)
    {
        foreach (var key in staged.Columns)
        {
            if (inferred.FirstOrDefault(c => c.Name == key) is not { } column) return false;
            if (staged.Kinds?.TryGetValue(key, out var kinds) == true && !Fits(column.Type, kinds)) return false;
        }
        return true;
    }

    private static readonly string[] WholeNumberTypes = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"];

    /// <summary>Whether values of these kinds read as a column of DuckDB type <paramref name="type"/> without change.</summary>
    internal static bool Fits(string type, JsonKinds kinds)
    {
        var nested = type.StartsWith("STRUCT", StringComparison.Ordinal) || type.StartsWith("MAP", StringComparison.Ordinal) || type.EndsWith(']');
        if (nested && (kinds & JsonKinds.NestedFraction) != 0 && WholeNumberTypes.Any(w => ContainsWord(type, w))) return false;
        var top = kinds & ~JsonKinds.NestedFraction & ~JsonKinds.Null;
        if (nested) return (top & ~(type.EndsWith(']') ? JsonKinds.Array : JsonKinds.Object)) == 0;
        if (type is "VARCHAR" or "JSON" or "NULL") return true;
        if (WholeNumberTypes.Contains(type)) return (top & ~JsonKinds.Integer) == 0;
        if (type is "DOUBLE" or "FLOAT" || type.StartsWith("DECIMAL", StringComparison.Ordinal)) return (top & ~(JsonKinds.Integer | JsonKinds.Fraction)) == 0;
        if (type == "BOOLEAN") return (top & ~JsonKinds.Bool) == 0;
        return (top & ~JsonKinds.String) == 0;
    }

    private static bool ContainsWord(string text, string word)
    {
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            var end = at + word.Length;
            if ((at == 0 || !char.IsAsciiLetter(text[at - 1])) && (end == text.Length || !char.IsAsciiLetter(text[end]))) return true;
        }
        return false;
    }

    private static string ReadJson(string path, string options) => $"read_json({Sql.Literal(path)}, format = 'newline_delimited', records = true{options})";

    /// <summary>The <c>columns</c> option giving the types; columns for which <paramref name="asText"/> holds are read as text.</summary>
    private static string Columns(IReadOnlyList<ResultColumn> columns, Func<ResultColumn, bool> asText)
        => $", columns = {{{string.Join(", ", columns.Select(c => $"{Sql.Literal(c.Name)}: {Sql.Literal(asText(c) ? "VARCHAR" : c.Type)}"))}}}";

    /// <param name="sampled">The types inferred from the staging's sample; ignored when <paramref name="fullSample"/>.</param>
    public static async Task<PreparedInput> PrepareAsync(DuckDbEngine engine, SourceDefinition source, StagedInput staged, JsonSample? sampled,
        string inputPath, bool gzip, string lineage, bool fullSample, CancellationToken ct)
    {
        var line = Sql.Identifier(Lineage.SourceLine);
        var fileRejects = CsvInput.FileRejects(staged);
        if (!staged.HasData)
            return new PreparedInput($"SELECT {lineage}, CAST(NULL AS BIGINT) AS {line} WHERE false", staged.Records,
                _ => Task.FromResult<(string?, long)>((staged.Rejected > 0 ? fileRejects : null, staged.Rejected)), () => Task.CompletedTask);

        string Reader(string options) => ReadJson(staged.DataPath, options);
        var sample = fullSample ? ", sample_size = -1" : "";
        var inferred = !fullSample && sampled is not null ? sampled.Columns : await engine.DescribeAsync($"SELECT * FROM {Reader(sample)}", ct).ConfigureAwait(false);
        var explicitly = !fullSample && sampled is { ReadsExplicitly: true };
        if (!fullSample && !SampleCovers(inferred, staged))
        {
            sample = ", sample_size = -1";
            explicitly = false;
            inferred = await engine.DescribeAsync($"SELECT * FROM {Reader(sample)}", ct).ConfigureAwait(false);
        }
        var declared = inferred.Where(c => source.DeclaredType(c.Name) is not null).ToList();
        if (declared.Count == 0)
        {
            var plain = $"SELECT * EXCLUDE ({line}), {lineage}, {line} FROM {Reader(explicitly ? Columns(inferred, _ => false) : sample)}";
            return new PreparedInput(plain, staged.Records,
                _ => Task.FromResult<(string?, long)>((staged.Rejected > 0 ? fileRejects : null, staged.Rejected)), () => Task.CompletedTask)
            {
                ReaderColumns = inferred,
            };
        }

        // Declared columns are read as text, then cast; the others keep their inferred types.
        var reader = Reader(Columns(inferred, c => source.DeclaredType(c.Name) is not null));
        string Bad(ResultColumn c) => $"({Sql.Identifier(c.Name)} IS NOT NULL AND TRY_CAST({Sql.Identifier(c.Name)} AS {source.DeclaredType(c.Name)}) IS NULL)";
        var anyBad = string.Join(" OR ", declared.Select(Bad));
        var replace = string.Join(", ", declared.Select(c => $"TRY_CAST({Sql.Identifier(c.Name)} AS {source.DeclaredType(c.Name)}) AS {Sql.Identifier(c.Name)}"));
        var dataSql = $"SELECT * EXCLUDE ({line}) REPLACE ({replace}), {lineage}, {line} FROM {reader} WHERE NOT ({anyBad})";

        async Task<(string?, long)> CollectAsync(CancellationToken token)
        {
            var reasons = string.Join(", ", declared.Select(c =>
                $"CASE WHEN {Bad(c)} THEN {Sql.Literal($"column '{c.Name}': value cannot be read as {source.DeclaredType(c.Name)}")} END"));
            var bad = new Dictionary<long, (string Column, string Reason)>();
            await engine.StreamAsync($"SELECT {line}, concat_ws('; ', {reasons}) FROM {reader} WHERE {anyBad}", r =>
            {
                var reason = r.GetString(1);
                bad[r.GetInt64(0)] = (string.Join(", ", declared.Where(c => reason.Contains($"'{c.Name}'", StringComparison.Ordinal)).Select(c => c.Name)), reason);
            }, token).ConfigureAwait(false);
            if (bad.Count > 0) LineExtractor.AppendRejects(inputPath, gzip, bad, staged.RejectPath, token);
            var total = staged.Rejected + bad.Count;
            return (total > 0 ? fileRejects : null, total);
        }

        return new PreparedInput(dataSql, staged.Records, CollectAsync, () => Task.CompletedTask) { ReaderColumns = inferred };
    }
}

/// <summary>The types DuckDB inferred from a JSON-lines sample, and whether the sample reads with them given explicitly.</summary>
internal sealed record JsonSample(IReadOnlyList<ResultColumn> Columns, bool ReadsExplicitly);

/// <summary>Copies chosen lines of an input file, by number, to the reject file.</summary>
internal static class LineExtractor
{
    public static void AppendRejects(string inputPath, bool gzip, IReadOnlyDictionary<long, (string Column, string Reason)> lines, string rejectPath,
        CancellationToken ct)
    {
        using var rejects = new RejectWriter(rejectPath, append: true);
        using var reader = new InputReader(inputPath, gzip, null);
        long number = 0;
        var start = 0;
        var remaining = lines.Count;
        reader.Refill(0, ct);
        while (remaining > 0)
        {
            var newline = reader.Buffer.AsSpan(start, reader.Length - start).IndexOf((byte)'\n');
            if (newline < 0 && !reader.AtEnd)
            {
                start -= reader.Refill(start, ct);
                continue;
            }
            if (newline < 0 && start >= reader.Length) break;
            var end = newline < 0 ? reader.Length : start + newline;
            number++;
            if (lines.TryGetValue(number, out var bad))
            {
                var record = reader.Buffer.AsSpan(start, end - start);
                if (record.Length > 0 && record[^1] == (byte)'\r') record = record[..^1];
                rejects.Add(number, bad.Column, bad.Reason, record);
                remaining--;
            }
            if (newline < 0) break;
            start = end + 1;
        }
        if (remaining > 0) throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Bug: {remaining} rejected line(s) not found again in the input."));
    }
}
