using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Cdp.Delta.Actions;
using Cdp.Delta.Schema;

namespace Cdp.Delta.Stats;

public enum CompareOp { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual }

/// <summary>
/// A simple predicate over top-level columns, used to skip files whose partition values or stats prove that no row
/// can match. Skipping is conservative: a file is kept whenever it might hold a matching row.
/// </summary>
public abstract record FilePredicate
{
    public static FilePredicate Compare(string column, CompareOp op, object value) => new Comparison(column, op, value);

    public static FilePredicate IsNull(string column) => new NullCheck(column, true);

    public static FilePredicate IsNotNull(string column) => new NullCheck(column, false);

    public static FilePredicate And(params FilePredicate[] parts) => new Conjunction(parts);

    public static FilePredicate Or(params FilePredicate[] parts) => new Disjunction(parts);

    /// <summary>True when the file might contain a row that satisfies the predicate.</summary>
    public abstract bool MightMatch(AddFile file, StructType schema, IReadOnlyList<string> partitionColumns);

    /// <summary>Keeps the files that might match.</summary>
    public IEnumerable<AddFile> Filter(Snapshot snapshot)
        => snapshot.Files.Where(f => MightMatch(f, snapshot.Schema, snapshot.PartitionColumns));

    private sealed record Conjunction(IReadOnlyList<FilePredicate> Parts) : FilePredicate
    {
        public override bool MightMatch(AddFile file, StructType schema, IReadOnlyList<string> partitionColumns)
            => Parts.All(p => p.MightMatch(file, schema, partitionColumns));
    }

    private sealed record Disjunction(IReadOnlyList<FilePredicate> Parts) : FilePredicate
    {
        public override bool MightMatch(AddFile file, StructType schema, IReadOnlyList<string> partitionColumns)
            => Parts.Any(p => p.MightMatch(file, schema, partitionColumns));
    }

    private sealed record NullCheck(string Column, bool WantNull) : FilePredicate
    {
        public override bool MightMatch(AddFile file, StructType schema, IReadOnlyList<string> partitionColumns)
        {
            if (partitionColumns.Contains(Column))
            {
                var isNull = string.IsNullOrEmpty(file.PartitionValues.GetValueOrDefault(Column));
                return isNull == WantNull;
            }
            var stats = FileStatistics.TryParse(file.Stats);
            if (stats?.Nulls(Column) is not { } nulls) return true;
            return WantNull ? nulls > 0 : stats.NumRecords is not { } n || nulls < n;
        }
    }

    private sealed record Comparison(string Column, CompareOp Op, object Value) : FilePredicate
    {
        public override bool MightMatch(AddFile file, StructType schema, IReadOnlyList<string> partitionColumns)
        {
            var type = schema.Find(Column)?.Type;
            if (type is null) return true;
            if (partitionColumns.Contains(Column))
            {
                var raw = file.PartitionValues.GetValueOrDefault(Column);
                if (string.IsNullOrEmpty(raw)) return false; // NULL never satisfies a comparison
                var v = Typed(type, raw);
                var literal = Typed(type, Value);
                return v is null || literal is null || Holds(Cmp(v, literal), Op);
            }
            var stats = FileStatistics.TryParse(file.Stats);
            if (stats is null) return true;
            if (stats.NumRecords is { } n && stats.Nulls(Column) is { } nulls && nulls == n) return false;
            var min = Typed(type, stats.Min(Column));
            var max = Typed(type, stats.Max(Column));
            // Spark truncates string bounds to 32 characters: a truncated max is not an upper bound.
            if (max is string s && s.Length >= 32) max = null;
            // Timestamp bounds are truncated to the millisecond: the true max may lie up to 1 ms above.
            if (max is DateTimeOffset maxTime) max = maxTime.AddMilliseconds(1);
            var target = Typed(type, Value);
            if (target is null) return true;
            return Op switch
            {
                CompareOp.Equal => (min is null || Cmp(min, target) <= 0) && (max is null || Cmp(max, target) >= 0),
                CompareOp.NotEqual => min is null || max is null || Cmp(min, target) != 0 || Cmp(max, target) != 0,
                CompareOp.Less => min is null || Cmp(min, target) < 0,
                CompareOp.LessOrEqual => min is null || Cmp(min, target) <= 0,
                CompareOp.Greater => max is null || Cmp(max, target) > 0,
                CompareOp.GreaterOrEqual => max is null || Cmp(max, target) >= 0,
                _ => true,
            };
        }

        private static bool Holds(int cmp, CompareOp op) => op switch
        {
            CompareOp.Equal => cmp == 0,
            CompareOp.NotEqual => cmp != 0,
            CompareOp.Less => cmp < 0,
            CompareOp.LessOrEqual => cmp <= 0,
            CompareOp.Greater => cmp > 0,
            CompareOp.GreaterOrEqual => cmp >= 0,
            _ => true,
        };

        private static int Cmp(IComparable a, IComparable? b) => b is null ? 0 : a is string sa && b is string sb ? CompareUtf8(sa, sb) : a.CompareTo(b);

        // Parquet and Spark order strings by their UTF-8 bytes (code point order); UTF-16 ordinal order differs
        // once characters above U+FFFF meet characters between U+E000 and U+FFFF.
        private static int CompareUtf8(string a, string b)
            => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

        /// <summary>Converts a literal, a partition string or a stats JSON value to a comparable of the column's type.</summary>
        private static IComparable? Typed(DataType type, object? value)
        {
            if (value is null) return null;
            if (value is JsonValue jv) value = jv.TryGetValue<string>(out var js) ? js : jv.ToJsonString();
            else if (value is JsonNode) return null;
            var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
            try
            {
                return type switch
                {
                    PrimitiveType { Name: "byte" or "short" or "integer" or "long" } => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                    DecimalType => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                    PrimitiveType { Name: "float" or "double" } => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                    PrimitiveType { Name: "string" } => text,
                    PrimitiveType { Name: "date" } => value is DateOnly d ? d : DateOnly.Parse(text[..Math.Min(10, text.Length)], CultureInfo.InvariantCulture),
                    PrimitiveType { Name: "timestamp" or "timestamp_ntz" } => value is DateTimeOffset o ? o : value is DateTime dt ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc))
                        : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                    _ => null,
                };
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                // Unparseable, or outside what .NET's decimal holds (decimal(38, s) can): no bound, keep the file.
                return null;
            }
        }
    }
}
