using Cdp.Engine;
using Cdp.Identity.Matching;

namespace Cdp.Identity.Tests.Matching;

/// <summary>A few people with planted duplicates, and settings for them, as an inline relation.</summary>
internal static class SmallPeople
{
    /// <summary>(id, first name, surname, dob, city); ids 1/2, 3/4 and 5/6/7 are the same people.</summary>
    public static readonly (string Id, string? First, string? Last, string? Dob, string? City)[] Rows =
    [
        ("1", "amelia", "hartley", "1980-02-03", "leeds"),
        ("2", "amelia", "hartly", "1980-02-03", "leeds"),
        ("3", "oscar", "pemberton", "1975-11-20", "york"),
        ("4", "oskar", "pemberton", "1975-11-20", null),
        ("5", "john", "smith", "1990-01-01", "london"),
        ("6", "john", "smith", "1990-01-01", "london"),
        ("7", "jon", "smith", "1990-01-10", "london"),
        ("8", "john", "smith", "1962-07-14", "leeds"),
        ("9", "mary", "jones", "1988-03-30", "bath"),
        ("10", "peter", "quill", "1970-05-05", "york"),
        ("11", "zara", "quince", "2001-12-12", "derby"),
        ("12", "maria", "jonas", "1999-09-09", "bath"),
    ];

    public static string Relation()
        => "SELECT * FROM (VALUES " + string.Join(", ", Rows.Select(r => $"({Sql.Literal(r.Id)}, {Sql.Literal(r.First)}, {Sql.Literal(r.Last)}, {Sql.Literal(r.Dob)}, {Sql.Literal(r.City)})"))
           + ") AS t(id, first_name, surname, dob, city)";

    public static MatchSettings Settings(bool termFrequency = false) => new(
        "id",
        ["l.surname = r.surname", "l.dob = r.dob", "l.first_name[1] = r.first_name[1]"],
        [
            new Comparison("first_name", [ComparisonLevel.Exact, new(LevelKind.JaroWinkler, 0.85), ComparisonLevel.Else], termFrequency),
            new Comparison("surname", [ComparisonLevel.Exact, new(LevelKind.JaroWinkler, 0.9), ComparisonLevel.Else], termFrequency),
            new Comparison("dob", [ComparisonLevel.Exact, new(LevelKind.DateWithinDays, 30), new(LevelKind.SameYear), ComparisonLevel.Else]),
            new Comparison("city", [ComparisonLevel.Exact, ComparisonLevel.Else]),
        ],
        LinkThreshold.Probability(0.5),
        Lambda: 0.05);
}
