using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cdp.Audiences.Definitions;
using Cdp.Audiences.Membership;
using Cdp.Engine;

namespace Cdp.Audiences.Compilation;

/// <summary>
/// Compiles audience condition trees to DuckDB SQL predicates over the profile relation. Identifiers are quoted by
/// <see cref="Sql.Identifier"/> and every value is a literal from <see cref="Sql.Literal(string?)"/> or a formatted
/// number, so names and values from the definitions cannot change the statement's shape. Unknown columns, missing
/// relations, unknown or cyclic audience references are errors naming the audience and the YAML path.
/// </summary>
public sealed class AudienceCompiler
{
    /// <summary>Alias of the profile row every predicate is written against.</summary>
    public const string Row = "p";

    private readonly AudienceSet _set;
    private readonly AudienceSchema _schema;
    private readonly AudienceRelations _relations;
    private readonly DateTimeOffset _asOf;

    /// <param name="asOf">The moment event windows (<c>within_days</c>) end.</param>
    public AudienceCompiler(AudienceSet set, AudienceSchema schema, AudienceRelations relations, DateTimeOffset asOf)
    {
        _set = set;
        _schema = schema;
        _relations = relations;
        _asOf = asOf;
    }

    public AudienceCompilation Compile()
    {
        var errors = new List<string>();
        var compiled = new List<CompiledAudience>();
        foreach (var group in _set.Audiences.GroupBy(a => a.Name).Where(g => g.Count() > 1))
            errors.Add($"audience '{group.Key}': declared {group.Count()} times");
        var skipped = new List<string>();
        foreach (var audience in _set.Audiences)
        {
            if (audience.Requires.Where(c => !_schema.Has(c)).ToList() is { Count: > 0 } missing)
            {
                skipped.Add($"audience '{audience.Name}' skipped: it requires {string.Join(", ", missing)}, which the profiles, scores and segments do not have");
                continue;
            }
            var before = errors.Count;
            foreach (var field in audience.Fields)
            {
                if (MembershipColumns.Reserved.Contains(field))
                    errors.Add($"audience '{audience.Name}' ({audience.Path}.fields): '{field}' is a membership column; it cannot be exported as a field");
                else if (!_schema.Has(field))
                    errors.Add($"audience '{audience.Name}' ({audience.Path}.fields): unknown column '{field}' in the profile columns");
            }
            var predicate = new Scope(this, $"audience '{audience.Name}'", errors, [audience.Name]).Compile(audience.Condition, Row, 0);
            if (errors.Count == before) compiled.Add(new CompiledAudience(audience, predicate, ""));
        }
        var arbitration = _set.Arbitration
            .Select(rule => new CompiledArbitration(rule, rule.When is null ? "TRUE" : new Scope(this, "arbitration", errors, []).Compile(rule.When, Row, 0)))
            .ToList();
        var audiences = compiled.Select(a => a with { DefinitionHash = Hash(a.Definition, a.Predicate, CompiledArbitration.Applying(arbitration, a.Definition)) }).ToList();
        return new AudienceCompilation(audiences, errors) { Skipped = skipped, Arbitration = arbitration };
    }

    /// <summary>
    /// A stable hash of what decides the membership: the compiled predicate, channels, fields, holdouts, and the
    /// arbitration rules that can apply to the audience (both of their channels are the audience's).
    /// </summary>
    private string Hash(AudienceDefinition audience, string predicate, IEnumerable<CompiledArbitration> arbitration)
    {
        var parts = new List<string>
        {
            audience.Name, predicate, string.Join(',', audience.Channels), string.Join(',', audience.Fields), audience.Priority.ToString(CultureInfo.InvariantCulture),
            Format(audience.Holdout.Percent), audience.Holdout.Salt, Format(_set.GlobalHoldout.Percent), _set.GlobalHoldout.Salt,
        };
        // Without rules the text is what it was before arbitration existed, so hashes of unchanged definitions stay put.
        parts.AddRange(arbitration.Select(r => $"arbitration:{r.Rule.Channel}:{r.Rule.SkipWhenContactable}:{r.Predicate}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))))[..16];
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// The compilation of one condition tree (an audience's, or an arbitration rule's); <c>subject</c> starts its
    /// error messages, <c>stack</c> holds the audiences being expanded, to find cycles.
    /// </summary>
    private sealed class Scope(AudienceCompiler compiler, string subject, List<string> errors, List<string> stack)
    {
        public string Compile(Condition condition, string row, int depth) => condition switch
        {
            AllCondition all => all.Children.Count == 0 ? "TRUE" : "(" + string.Join(" AND ", all.Children.Select(c => Compile(c, row, depth))) + ")",
            AnyCondition any => any.Children.Count == 0 ? "FALSE" : "(" + string.Join(" OR ", any.Children.Select(c => Compile(c, row, depth))) + ")",
            NotCondition not => "(NOT " + Compile(not.Child, row, depth) + ")",
            ColumnCondition column => Column(column, row),
            ConsentCondition consent => Consent(consent, row),
            SegmentCondition segment => Segment(segment, row),
            EventCondition activity => Event(activity, row),
            AudienceReference reference => Reference(reference, row, depth),
            ModelCondition model => Model(model, row),
            _ => throw new InvalidOperationException($"Bug: no compilation for condition {condition.GetType().Name}."),
        };

        private string Error(Condition at, string message)
        {
            errors.Add($"{subject} ({at.Path}): {message}");
            return "FALSE";
        }

        private string Column(ColumnCondition c, string row)
        {
            if (!compiler._schema.Has(c.Column))
                return Error(c, $"unknown column '{c.Column}' in the profile columns (known: {string.Join(", ", compiler._schema.Columns.Keys.Take(60))})");
            var column = $"{row}.{Sql.Identifier(c.Column)}";
            var v = c.Values.Select(Value).ToList();
            var sql = c.Operator switch
            {
                ComparisonOperator.Equal => $"{column} = {v[0]}",
                ComparisonOperator.NotEqual => $"{column} <> {v[0]}",
                ComparisonOperator.Less => $"{column} < {v[0]}",
                ComparisonOperator.LessOrEqual => $"{column} <= {v[0]}",
                ComparisonOperator.Greater => $"{column} > {v[0]}",
                ComparisonOperator.GreaterOrEqual => $"{column} >= {v[0]}",
                ComparisonOperator.In => $"{column} IN ({string.Join(", ", v)})",
                ComparisonOperator.NotIn => $"{column} NOT IN ({string.Join(", ", v)})",
                ComparisonOperator.IsNull => $"{column} IS NULL",
                ComparisonOperator.IsNotNull => $"{column} IS NOT NULL",
                ComparisonOperator.Between => $"{column} BETWEEN {v[0]} AND {v[1]}",
                ComparisonOperator.Contains => compiler._schema.IsList(c.Column)
                    ? $"list_contains({column}, {v[0]})"
                    : $"contains(CAST({column} AS VARCHAR), CAST({v[0]} AS VARCHAR))",
                _ => throw new InvalidOperationException($"Bug: no SQL for operator {c.Operator}."),
            };
            // Two-valued logic: an unknown value does not meet the condition, and NOT of it does.
            return $"COALESCE({sql}, FALSE)";
        }

        private string Consent(ConsentCondition c, string row)
        {
            if (!compiler._schema.HasConsents) return Error(c, $"a consent condition needs {compiler._relations.Consents}, which does not exist");
            return $"EXISTS (SELECT 1 FROM {compiler._relations.Consents} AS c WHERE c.person_id = {row}.person_id AND c.channel = {Sql.Literal(c.Channel)} " +
                $"AND c.purpose = {Sql.Literal(c.Purpose)} AND c.granted = {(c.Granted ? "TRUE" : "FALSE")})";
        }

        private string Segment(SegmentCondition c, string row)
        {
            var (column, value) = c.Segment is long n ? ("segment", Sql.Literal(n)) : ("segment_name", Sql.Literal((string)c.Segment));
            if (!compiler._schema.Has(column)) return Error(c, $"a segment condition needs {compiler._relations.Segments ?? "gold.customer_segments"} (column {column}), which is not available");
            return $"COALESCE({row}.{Sql.Identifier(column)} = {value}, FALSE)";
        }

        private string Event(EventCondition c, string row)
        {
            if (!compiler._schema.HasActivity) return Error(c, $"an event condition needs {compiler._relations.Activity}, which does not exist");
            var window = c.WithinDays is { } days
                ? $" AND a.activity_at >= {Timestamp(compiler._asOf)} - INTERVAL {Sql.Literal(days)} DAY AND a.activity_at <= {Timestamp(compiler._asOf)}"
                : "";
            return $"((SELECT count(*) FROM {compiler._relations.Activity} AS a WHERE a.person_id = {row}.person_id " +
                $"AND a.activity_type = {Sql.Literal(c.ActivityType)}{window}) >= {Sql.Literal(c.MinCount)})";
        }

        private string Model(ModelCondition m, string row)
        {
            var (schema, name) = m.Parts;
            if (!compiler._schema.HasModel(schema, name))
                return Error(m, $"no relation {schema}.{name} with a person_id column; build the SQL model first (cdp models build -s {name})");
            return $"EXISTS (SELECT 1 FROM {Sql.Identifier(schema)}.{Sql.Identifier(name)} AS s WHERE s.person_id = {row}.person_id)";
        }

        private string Reference(AudienceReference r, string row, int depth)
        {
            if (stack.Contains(r.Audience))
                return Error(r, $"audience cycle {string.Join(" -> ", stack.Select(s => $"'{s}'"))} -> '{r.Audience}'");
            if (compiler._set.Find(r.Audience) is not { } other) return Error(r, $"unknown audience '{r.Audience}' (declared: {string.Join(", ", compiler._set.Audiences.Select(a => a.Name))})");
            // A skipped audience (a required score not computed yet) has no members: including it selects nobody,
            // excluding it excludes nobody.
            if (other.Requires.Any(c => !compiler._schema.Has(c))) return "FALSE";
            var inner = $"p{depth + 1}";
            stack.Add(other.Name);
            var predicate = Compile(other.Condition, inner, depth + 1);
            stack.RemoveAt(stack.Count - 1);
            return $"EXISTS (SELECT 1 FROM {compiler._relations.Profiles} AS {inner} WHERE {inner}.person_id = {row}.person_id AND {predicate})";
        }

        private static string Value(object value) => value switch
        {
            string s => Sql.Literal(s),
            long l => Sql.Literal(l),
            double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "TRUE" : "FALSE",
            _ => throw new InvalidOperationException($"Bug: unsupported literal {value}."),
        };
    }

    internal static string Timestamp(DateTimeOffset at)
        => $"TIMESTAMPTZ {Sql.Literal(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00")}";
}
