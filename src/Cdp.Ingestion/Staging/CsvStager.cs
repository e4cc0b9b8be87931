using System.Runtime.CompilerServices;
using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;
using Cdp.Ingestion.Config;

namespace Cdp.Ingestion.Staging;

/// <summary>
/// Streams a CSV file once, cutting it into records (RFC 4180: quoted fields may hold delimiters, doubled quotes and
/// line breaks) with vectorised searches. Each record is checked for valid UTF-8 and for the header's field count,
/// then copied with its starting line number as a leading field; records failing a check go to the reject file with
/// the reason. Types are left to DuckDB, whose CAST rejects are collected later; the columns of whole numbers in
/// DuckDB's type sample that later hold a fraction, which DuckDB would round, are noted (<see cref="WholeNumberColumns"/>).
/// </summary>
internal static class CsvStager
{
    private static readonly char[] LikelyDelimiters = [',', ';', '\t', '|'];

    // Runs once per file per process: optimise it at once rather than from tier-0 code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StagedInput Stage(string inputPath, bool gzip, SourceDefinition source, string stagingDir, Action<long>? onBytes,
        CancellationToken cancellationToken)
    {
        var delimiter = (byte)source.Delimiter;
        var dataPath = Path.Combine(stagingDir, "data.csv");
        using var reader = new InputReader(inputPath, gzip, onBytes);
        using var output = new FileStream(dataPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        using var rejects = new RejectWriter(Path.Combine(stagingDir, "rejects.jsonl"));
        Span<byte> digits = stackalloc byte[24];

        string[]? header = null;
        string? headerProblem = null;
        long line = 1, records = 0, staged = 0;
        int start = 0, pos = 0, fields = 1, newlines = 0;
        var inQuotes = false;
        var quotedLately = 0;
        var wholeNumbers = new WholeNumberColumns(0);
        reader.Refill(0, cancellationToken);
        if (reader.Length >= 3 && reader.Buffer[0] == 0xEF && reader.Buffer[1] == 0xBB && reader.Buffer[2] == 0xBF) start = pos = 3;

        while (true)
        {
            var buffer = reader.Buffer;
            var length = reader.Length;
            int end;
            if (pos >= length)
            {
                if (!reader.AtEnd)
                {
                    var moved = reader.Refill(start, cancellationToken);
                    start -= moved;
                    pos -= moved;
                    continue;
                }
                if (start >= length) break;
                end = length; // last record without a final line break
            }
            else if (inQuotes)
            {
                var rest = buffer.AsSpan(pos, length - pos);
                var q = rest.IndexOf((byte)'"');
                if (q < 0)
                {
                    newlines += rest.Count((byte)'\n');
                    pos = length;
                    if (reader.AtEnd) end = length; else continue;
                }
                else
                {
                    newlines += rest[..q].Count((byte)'\n');
                    var at = pos + q;
                    if (at + 1 >= length && !reader.AtEnd)
                    {
                        pos = at; // need the next byte to tell "" from a closing quote
                        var moved = reader.Refill(start, cancellationToken);
                        start -= moved;
                        pos -= moved;
                        continue;
                    }
                    if (at + 1 < length && buffer[at + 1] == (byte)'"') pos = at + 2;
                    else
                    {
                        inQuotes = false;
                        pos = at + 1;
                    }
                    continue;
                }
            }
            else if (pos == start && (quotedLately == 0 || --quotedLately == 0) && WholeLine(buffer.AsSpan(start, length - start), delimiter) is { } plain)
            {
                if (plain.Length < 0)
                {
                    // A quote: cut this record field by field, and a few more, which are likely quoted too.
                    quotedLately = QuotedRecordsAhead;
                    continue;
                }
                fields += plain.Delimiters;
                end = start + plain.Length;
                pos = end + 1;
            }
            else
            {
                var i = buffer.AsSpan(pos, length - pos).IndexOfAny(delimiter, (byte)'"', (byte)'\n');
                if (i < 0)
                {
                    pos = length;
                    continue;
                }
                var b = buffer[pos + i];
                pos += i + 1;
                if (b == delimiter) fields++;
                else if (b == (byte)'"') inQuotes = true;
                if (b != (byte)'\n') continue;
                end = pos - 1;
            }

            // A record is buffer[start..end); a final '\r' belongs to the line break.
            var recordEnd = end > start && buffer[end - 1] == (byte)'\r' ? end - 1 : end;
            var record = buffer.AsSpan(start, recordEnd - start);
            var unterminated = inQuotes;
            if (record.Length > 0 || unterminated)
            {
                if (header is null)
                {
                    header = ReadHeader(record, source, line, out headerProblem);
                    wholeNumbers = new WholeNumberColumns(header.Length);
                    output.Write(Encoding.UTF8.GetBytes(StagedInput.LineColumn));
                    output.WriteByte(delimiter);
                    output.Write(record);
                    output.WriteByte((byte)'\n');
                }
                else
                {
                    records++;
                    if (headerProblem is not null) rejects.Add(line, null, headerProblem, record);
                    else if (unterminated) rejects.Add(line, null, "a quoted field is not closed before the end of the file", record);
                    else if (!Utf8.IsValid(record)) rejects.Add(line, null, "invalid UTF-8 (the file must be UTF-8 encoded)", record);
                    else if (fields != header.Length) rejects.Add(line, null, FieldCountReason(fields, header.Length, record, source.Delimiter), record);
                    else
                    {
                        wholeNumbers.Observe(record, delimiter, staged);
                        Utf8Formatter.TryFormat(line, digits, out var n);
                        digits[n++] = delimiter;
                        output.Write(digits[..n]);
                        output.Write(record);
                        output.WriteByte((byte)'\n');
                        staged++;
                    }
                }
            }
            line += newlines + 1;
            newlines = 0;
            fields = 1;
            inQuotes = false;
            start = pos = end + 1;
            if (end >= length && reader.AtEnd) break;
        }
        return new StagedInput(dataPath, rejects.Path, records, staged, rejects.Count, header ?? [], header is not null && headerProblem is null)
        {
            FractionsBeyondSample = wholeNumbers.Fractions.Select(c => header![c]).ToList(),
        };
    }

    /// <summary>After a record with a quote, this many records are cut field by field before a whole line is tried again.</summary>
    private const int QuotedRecordsAhead = 16;

    /// <summary>
    /// The common record, a line without quotes, in three vectorised searches: the length of the line (to its
    /// <c>'\n'</c>) and the delimiters in it; null when the buffer holds no line break, a length of -1 when the
    /// line has a quote (then the record must be cut field by field: a quoted field may hold delimiters and line breaks).
    /// </summary>
    private static (int Length, int Delimiters)? WholeLine(ReadOnlySpan<byte> rest, byte delimiter)
    {
        var newline = rest.IndexOf((byte)'\n');
        if (newline < 0) return null;
        var line = rest[..newline];
        return line.Contains((byte)'"') ? (-1, 0) : (newline, line.Count(delimiter));
    }

    private static string FieldCountReason(int found, int expected, ReadOnlySpan<byte> record, char delimiter)
    {
        var reason = $"expected {expected} fields as in the header, found {found}";
        foreach (var other in LikelyDelimiters)
        {
            if (other != delimiter && found < expected && record.Count((byte)other) >= expected - 1)
                return reason + $" (the line seems delimited by '{Escape(other)}', not '{Escape(delimiter)}')";
        }
        return reason;
    }

    /// <summary>The header's column names; a header that cannot be used makes every record a reject (<paramref name="problem"/>).</summary>
    private static string[] ReadHeader(ReadOnlySpan<byte> record, SourceDefinition source, long line, out string? problem)
    {
        problem = null;
        if (!Utf8.IsValid(record)) throw new IngestException($"line {line}: the header is not valid UTF-8 (the file must be UTF-8 encoded)");
        var names = SplitHeader(Encoding.UTF8.GetString(record), source.Delimiter);
        if (names.Length == 1 && LikelyDelimiters.FirstOrDefault(d => d != source.Delimiter && names[0].Contains(d)) is var other and not '\0')
        {
            problem = $"wrong delimiter: the header is one field containing '{Escape(other)}', but the source declares delimiter '{Escape(source.Delimiter)}'";
            return names;
        }
        foreach (var name in names)
        {
            if (Lineage.IsReserved(name)) throw new IngestException($"line {line}: the header has column '{name}', a name reserved for lineage columns");
        }
        var missing = source.Columns.Where(c => !names.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).Select(c => c.Name).ToList();
        if (missing.Count > 0 && names.Length == 1)
            problem = $"wrong delimiter or header: the header has 1 field but the source declares columns {string.Join(", ", missing)}";
        else if (missing.Count > 0)
            throw new IngestException($"line {line}: declared column(s) {string.Join(", ", missing)} not in the header");
        return names;
    }

    private static string[] SplitHeader(string header, char delimiter)
    {
        var names = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < header.Length; i++)
        {
            var c = header[i];
            if (quoted)
            {
                if (c != '"') current.Append(c);
                else if (i + 1 < header.Length && header[i + 1] == '"') current.Append(header[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == delimiter)
            {
                names.Add(current.ToString());
                current.Clear();
            }
            else current.Append(c);
        }
        names.Add(current.ToString());
        return names.ToArray();
    }

    private static string Escape(char c) => c == '\t' ? "\\t" : c.ToString();
}

/// <summary>
/// Watches for a fraction in a column whose values in DuckDB's type sample (the first <see cref="SampleRecords"/>
/// records) were all whole numbers: DuckDB types such a column BIGINT and rounds <c>0.5</c> to 0 without an error.
/// Only those columns' values are looked at after the sample, so a file without whole-number columns costs nothing.
/// </summary>
internal sealed class WholeNumberColumns(int columns)
{
    /// <summary>DuckDB's default <c>sample_size</c> for <c>read_csv</c>.</summary>
    public const int SampleRecords = 20480;

    private readonly bool[] _whole = Enumerable.Repeat(true, columns).ToArray();
    private readonly List<int> _fractions = [];
    private int[] _watched = [];

    /// <summary>The columns that held a fraction after the sample, in the order found.</summary>
    public IReadOnlyList<int> Fractions => _fractions;

    /// <summary>Looks at a staged record (with the header's field count), the <paramref name="index"/>-th (0-based).</summary>
    public void Observe(ReadOnlySpan<byte> record, byte delimiter, long index)
    {
        if (index < SampleRecords)
        {
            var column = 0;
            foreach (var field in new FieldEnumerator(record, delimiter))
            {
                if (_whole[column] && !IsWholeNumberOrEmpty(field)) _whole[column] = false;
                column++;
            }
            if (index == SampleRecords - 1) _watched = Enumerable.Range(0, _whole.Length).Where(c => _whole[c]).ToArray();
            return;
        }
        if (_watched.Length == 0) return;
        var next = 0;
        var at = 0;
        foreach (var field in new FieldEnumerator(record, delimiter))
        {
            if (at++ != _watched[next]) continue;
            if (field.IndexOfAny(".eE"u8) >= 0 && IsFraction(field))
            {
                var column = _watched[next];
                _fractions.Add(column);
                _watched = _watched.Where(c => c != column).ToArray();
                if (next >= _watched.Length) return;
            }
            else if (++next == _watched.Length) return;
        }
    }

    private static bool IsWholeNumberOrEmpty(ReadOnlySpan<byte> field)
    {
        field = field.Trim(" "u8);
        if (field.Length > 0 && field[0] is (byte)'-' or (byte)'+') field = field[1..];
        return !field.ContainsAnyExcept("0123456789"u8);
    }

    /// <summary>A number DuckDB reads but a whole-number type cannot hold unchanged.</summary>
    private static bool IsFraction(ReadOnlySpan<byte> field)
        => double.TryParse(field.Trim(" "u8), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
           && value != Math.Truncate(value);

    /// <summary>The fields of one record, unquoted (a quoted field's content with <c>""</c> kept as is).</summary>
    private ref struct FieldEnumerator(ReadOnlySpan<byte> record, byte delimiter)
    {
        private ReadOnlySpan<byte> _rest = record;
        private bool _done;

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly FieldEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_done) return false;
            if (_rest.Length > 0 && _rest[0] == (byte)'"')
            {
                // A quoted field ends at a quote not followed by another.
                var i = 1;
                while (true)
                {
                    var q = _rest[i..].IndexOf((byte)'"');
                    if (q < 0)
                    {
                        i = _rest.Length;
                        break;
                    }
                    i += q + 1;
                    if (i < _rest.Length && _rest[i] == (byte)'"') i++;
                    else break;
                }
                Current = _rest[1..Math.Max(1, i - 1)];
                _rest = _rest[Math.Min(i, _rest.Length)..];
                var d = _rest.IndexOf(delimiter);
                if (d < 0) _done = true;
                else _rest = _rest[(d + 1)..];
                return true;
            }
            var end = _rest.IndexOf(delimiter);
            if (end < 0)
            {
                Current = _rest;
                _done = true;
            }
            else
            {
                Current = _rest[..end];
                _rest = _rest[(end + 1)..];
            }
            return true;
        }
    }
}
