using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Cdp.Ingestion.Staging;

/// <summary>
/// Streams a JSON-lines file once: each non-blank line must be valid UTF-8 and exactly one JSON object (checked with
/// <see cref="Utf8JsonReader"/>), and is copied with <c>"_source_line": n</c> as its first member; other lines go to
/// the reject file with the reason. The top-level keys seen are collected with the kinds of their values, so a key
/// or a value DuckDB's type sampling missed is noticed. Blocks of lines are checked on every core and written back in input order, so the staged file, the
/// rejects and the keys are the same as a single pass would produce; at most a few blocks are in memory.
/// <para>
/// The first <see cref="SampleLines"/> staged lines are also written to a small sample file, handed to
/// <c>sample</c> as soon as it is complete, so DuckDB can infer the types from it while the rest is still being
/// staged. It holds the lines DuckDB's own type sample of the staged file would read (its default sample size).
/// </para>
/// </summary>
internal static class JsonLinesStager
{
    /// <summary>DuckDB's default <c>sample_size</c> for <c>read_json</c>.</summary>
    public const int SampleLines = 20480;

    /// <param name="sample">Completed with the sample file's path (null when no line was staged) once it is written,
    /// or with the staging's failure.</param>
    public static async Task<StagedInput> StageAsync(string inputPath, bool gzip, string stagingDir, Action<long>? onBytes,
        TaskCompletionSource<string?>? sample, CancellationToken cancellationToken)
    {
        try
        {
            return await StageCoreAsync(inputPath, gzip, stagingDir, onBytes, sample, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            sample?.TrySetException(e);
            throw;
        }
    }

    private static async Task<StagedInput> StageCoreAsync(string inputPath, bool gzip, string stagingDir, Action<long>? onBytes,
        TaskCompletionSource<string?>? sample, CancellationToken cancellationToken)
    {
        var dataPath = Path.Combine(stagingDir, "data.jsonl");
        var samplePath = Path.Combine(stagingDir, "sample.jsonl");
        using var reader = new LineBlockReader(inputPath, gzip, onBytes);
        await using var output = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        var sampleOutput = sample is null ? null : new FileStream(samplePath, FileMode.Create, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
        var sampleLeft = SampleLines;
        using var rejects = new RejectWriter(Path.Combine(stagingDir, "rejects.jsonl"));
        var seen = new Dictionary<string, JsonKinds>(StringComparer.Ordinal);
        var keys = new List<string>();
        long records = 0, staged = 0;
        var pending = new Queue<Task<CheckedBlock>>();
        var inFlight = Math.Max(2, Environment.ProcessorCount) + 1;

        async Task CompleteSampleAsync(bool hasLines)
        {
            await sampleOutput!.DisposeAsync().ConfigureAwait(false);
            sampleOutput = null;
            sample!.TrySetResult(hasLines ? samplePath : null);
        }

        async Task WriteOldestAsync()
        {
            var block = await pending.Dequeue().ConfigureAwait(false);
            await output.WriteAsync(block.Output.AsMemory(0, block.OutputLength), cancellationToken).ConfigureAwait(false);
            if (sampleOutput is not null)
            {
                var take = LengthOfLines(block.Output.AsSpan(0, block.OutputLength), ref sampleLeft);
                await sampleOutput.WriteAsync(block.Output.AsMemory(0, take), cancellationToken).ConfigureAwait(false);
                if (sampleLeft == 0) await CompleteSampleAsync(staged + block.Staged > 0).ConfigureAwait(false);
            }
            ArrayPool<byte>.Shared.Return(block.Output);
            foreach (var (line, reason, raw) in block.Rejects) rejects.Add(line, null, reason, raw);
            foreach (var (key, kinds) in block.Keys)
            {
                if (seen.TryGetValue(key, out var before)) seen[key] = before | kinds;
                else
                {
                    seen[key] = kinds;
                    keys.Add(key);
                }
            }
            records += block.Records;
            staged += block.Staged;
        }

        try
        {
            while (reader.Next(cancellationToken) is { } next)
            {
                pending.Enqueue(Task.Run(() => CheckBlock(next), cancellationToken));
                if (pending.Count >= inFlight) await WriteOldestAsync().ConfigureAwait(false);
            }
            while (pending.Count > 0) await WriteOldestAsync().ConfigureAwait(false);
            if (sampleOutput is not null) await CompleteSampleAsync(staged > 0).ConfigureAwait(false);
        }
        catch
        {
            // Let the blocks still being checked finish before their files are deleted.
            await Task.WhenAll(pending).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (sampleOutput is not null) await sampleOutput.DisposeAsync().ConfigureAwait(false);
        }
        return new StagedInput(dataPath, rejects.Path, records, staged, rejects.Count, keys, staged > 0) { Kinds = seen };
    }

    /// <summary>The length of the first <paramref name="lines"/> lines of <paramref name="text"/> (all of it when it
    /// has fewer); <paramref name="lines"/> is lowered by the lines counted.</summary>
    private static int LengthOfLines(ReadOnlySpan<byte> text, ref int lines)
    {
        var length = 0;
        while (lines > 0 && length < text.Length)
        {
            var newline = text[length..].IndexOf((byte)'\n');
            length = newline < 0 ? text.Length : length + newline + 1;
            lines--;
        }
        return length;
    }

    /// <summary>A block's lines checked: the staged bytes (rented), the rejected lines and the keys seen with their kinds.</summary>
    private sealed record CheckedBlock(byte[] Output, int OutputLength, List<(long Line, string Reason, byte[] Raw)> Rejects,
        IReadOnlyList<(string Name, JsonKinds Kinds)> Keys, long Records, long Staged);

    // Runs once per block on the thread pool: optimise it at once rather than from tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static CheckedBlock CheckBlock(LineBlock block)
    {
        try
        {
            var input = block.Bytes;
            // Each line grows by at most the prefix below with a 20-digit number and a comma.
            var output = ArrayPool<byte>.Shared.Rent(input.Length + (block.LineBreaks + 1) * 40);
            var rejects = new List<(long, string, byte[])>();
            var keys = new KeyCollector();
            Span<byte> prefix = stackalloc byte[48];
            var open = "{\"_source_line\":"u8;
            open.CopyTo(prefix);
            var written = 0;
            long line = block.FirstLine - 1, records = 0, staged = 0;
            while (!input.IsEmpty)
            {
                var newline = input.IndexOf((byte)'\n');
                var record = newline < 0 ? input : input[..newline];
                input = newline < 0 ? [] : input[(newline + 1)..];
                if (record.Length > 0 && record[^1] == (byte)'\r') record = record[..^1];
                line++;
                var body = record.TrimStart(" \t"u8);
                if (body.TrimEnd(" \t"u8).IsEmpty) continue;
                records++;
                if (!(Utf8.IsValid(record) && JsonLineScanner.IsPlainObject(record, keys)) && Check(record, keys) is { } reason)
                {
                    rejects.Add((line, reason, record.ToArray()));
                    continue;
                }
                // '{' ... becomes {"_source_line":n, ... (no comma before an empty object's '}').
                Utf8Formatter.TryFormat(line, prefix[open.Length..], out var n);
                var rest = body[1..];
                var isEmpty = rest.TrimStart(" \t"u8) is [(byte)'}', ..];
                n += open.Length;
                if (!isEmpty) prefix[n++] = (byte)',';
                prefix[..n].CopyTo(output.AsSpan(written));
                written += n;
                rest.CopyTo(output.AsSpan(written));
                written += rest.Length;
                output[written++] = (byte)'\n';
                staged++;
            }
            return new CheckedBlock(output, written, rejects, keys.Seen(), records, staged);
        }
        finally
        {
            block.Return();
        }
    }

    /// <summary>The kind of the value starting at the reader's token; null for a token that does not start a value.</summary>
    private static JsonKinds? KindOf(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => JsonKinds.Object,
        JsonTokenType.StartArray => JsonKinds.Array,
        JsonTokenType.String => JsonKinds.String,
        JsonTokenType.True or JsonTokenType.False => JsonKinds.Bool,
        JsonTokenType.Null => JsonKinds.Null,
        JsonTokenType.Number => reader.ValueSpan.IndexOfAny(".eE"u8) >= 0 ? JsonKinds.Fraction : JsonKinds.Integer,
        _ => null,
    };

    /// <summary>Null when the line is one JSON object without reserved keys, else why it is rejected.</summary>
    // Runs once per file per process: optimise it at once rather than from tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? Check(ReadOnlySpan<byte> line, KeyCollector keys)
    {
        if (!Utf8.IsValid(line)) return "invalid UTF-8 (the file must be UTF-8 encoded)";
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "not a JSON object (each line must be one {...} object)";
            var position = 0;
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                if (depth == 1 && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (keys.Add(ref reader, position++) is { } reserved) return $"the key '{reserved}' is reserved for lineage columns";
                }
                else if (depth == 0 && reader.TokenType == JsonTokenType.EndObject) break;
                else if (depth >= 1 && KindOf(ref reader) is { } kind)
                {
                    if (depth == 1) keys.Mark(position - 1, kind);
                    else if (kind == JsonKinds.Fraction) keys.Mark(position - 1, JsonKinds.NestedFraction);
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0) return "truncated JSON: the line ends before the object is complete";
            if (reader.Read()) return $"invalid JSON: more than one value on the line (at byte {reader.TokenStartIndex + 1})";
            return null;
        }
        catch (JsonException e)
        {
            // The reader's message may quote a character of the input; the reason names the position only.
            return e.BytePositionInLine is { } at && at < line.TrimEnd(" \t"u8).Length
                ? $"invalid JSON at byte {at + 1} of the line"
                : "truncated JSON: the line ends before the object is complete";
        }
    }
}
