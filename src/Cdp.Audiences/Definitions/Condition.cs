namespace Cdp.Audiences.Definitions;

/// <summary>
/// A node of an audience's condition tree. Every node remembers its YAML path so that compile errors can name it.
/// A condition is two-valued: an unknown value (SQL NULL) counts as false, so <c>not</c> is the exact complement.
/// </summary>
public abstract record Condition(string Path);

/// <summary>Every child holds (an empty list holds for everyone).</summary>
public sealed record AllCondition(IReadOnlyList<Condition> Children, string Path) : Condition(Path);

/// <summary>At least one child holds.</summary>
public sealed record AnyCondition(IReadOnlyList<Condition> Children, string Path) : Condition(Path);

public sealed record NotCondition(Condition Child, string Path) : Condition(Path);

/// <summary>The comparison operators of a column condition.</summary>
public enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    In,
    NotIn,
    IsNull,
    IsNotNull,
    Between,
    Contains,
}

/// <summary>
/// A comparison of a profile, trait, score or segment column with literal values: one value for =, !=, &lt;, &lt;=,
/// &gt;, &gt;= and contains; a list for in and not in; two for between; none for is null and is not null. Values
/// are strings, whole numbers, decimals or booleans.
/// </summary>
public sealed record ColumnCondition(string Column, ComparisonOperator Operator, IReadOnlyList<object> Values, string Path) : Condition(Path);

/// <summary>The person's latest decision for (channel, purpose) in person_consents is <paramref name="Granted"/>; with Granted false, a denial (not a missing decision).</summary>
public sealed record ConsentCondition(string Channel, string Purpose, bool Granted, string Path) : Condition(Path);

/// <summary>The person is in a segment of gold.customer_segments, by name (segment_name) or number (segment).</summary>
public sealed record SegmentCondition(object Segment, string Path) : Condition(Path);

/// <summary>The person has at least <paramref name="MinCount"/> activities of a type within the last <paramref name="WithinDays"/> days (all time when null).</summary>
public sealed record EventCondition(string ActivityType, int MinCount, int? WithinDays, string Path) : Condition(Path);

/// <summary>The person meets another audience's condition (its eligibility, before holdouts and consent).</summary>
public sealed record AudienceReference(string Audience, string Path) : Condition(Path);

/// <summary>
/// The person is in the rows of a SQL model (an analyst's audience as SQL, e.g. <c>models/audiences/lapsed_vips.sql</c>
/// built into the gold schema): <paramref name="Relation"/> is <c>schema.name</c>, or a name in the gold schema, of a
/// relation with a <c>person_id</c> column.
/// </summary>
public sealed record ModelCondition(string Relation, string Path) : Condition(Path)
{
    /// <summary>The relation's schema and name (gold when none is given).</summary>
    public (string Schema, string Name) Parts => Relation.Split('.', 2) is [var schema, var name] ? (schema, name) : ("gold", Relation);
}

