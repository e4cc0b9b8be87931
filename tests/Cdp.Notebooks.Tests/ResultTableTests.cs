using Cdp.Engine;

namespace Cdp.Notebooks.Tests;

/// <summary>Query results as the notebooks show them: HTML for a notebook, aligned text for a plain viewer.</summary>
public sealed class ResultTableTests
{
    private static readonly QueryResult Sample = new(
        [new("name", "VARCHAR"), new("revenue", "DOUBLE"), new("tags", "VARCHAR[]")],
        [
            ["<b>Anna</b> & co", 1234.56789, new List<string> { "a", "b" }],
            [null, 2.0, null],
        ]);

    [Fact]
    public void Html_escapes_values_and_names_and_says_how_many_rows()
    {
        var html = ResultTable.Html(Sample);

        Assert.Contains("&lt;b&gt;Anna&lt;/b&gt; &amp; co", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Anna", html, StringComparison.Ordinal);
        Assert.Contains("<th title=\"DOUBLE\">revenue</th>", html, StringComparison.Ordinal);
        Assert.Contains(">1234.5679</td>", html, StringComparison.Ordinal);
        Assert.Contains("(2 rows)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_aligns_columns_right_aligns_numbers_and_shows_nulls_and_lists()
    {
        var lines = ResultTable.Text(Sample).Split('\n');

        Assert.Equal("name                revenue  tags", lines[0]);
        Assert.Equal("----------------  ---------  ------", lines[1]);
        Assert.Equal("<b>Anna</b> & co  1234.5679  [a, b]", lines[2]);
        Assert.Equal("NULL                      2  NULL", lines[3]);
        Assert.Equal("(2 rows)", lines[4]);
    }

    [Fact]
    public void Long_results_show_their_first_rows_and_say_so()
    {
        var result = new QueryResult([new("n", "BIGINT")], Enumerable.Range(0, 120).Select(i => new object?[] { (long)i }).ToList());

        var text = ResultTable.Text(result, maxRows: 10);

        Assert.Equal(2 + 10 + 1, text.Split('\n').Length);
        Assert.EndsWith("(10 of 120 rows shown)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "NULL")]
    [InlineData(true, "true")]
    [InlineData(0.1 + 0.2, "0.3")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(12345678901L, "12345678901")]
    public void Values_are_written_the_same_way_on_every_machine(object? value, string expected)
        => Assert.Equal(expected, ResultTable.Format(value));

    [Fact]
    public void Instants_are_utc_and_structs_show_their_fields()
    {
        Assert.Equal("2026-10-31 16:30:54Z", ResultTable.Format(new DateTimeOffset(2026, 10, 31, 18, 30, 54, TimeSpan.FromHours(2))));
        Assert.Equal("2026-10-31", ResultTable.Format(new DateTime(2026, 10, 31)));
        Assert.Equal("{sku: SKN-1, quantity: 2}", ResultTable.Format(new Dictionary<string, object?> { ["sku"] = "SKN-1", ["quantity"] = 2L }));
    }

    [Fact]
    public void Objects_become_a_result_with_one_column_per_property_in_declaration_order()
    {
        var result = ResultTable.From(new[] { new { Zeta = 1, Alpha = "a", Maybe = (double?)null } });

        Assert.Equal(["Zeta", "Alpha", "Maybe"], result.Columns.Select(c => c.Name));
        Assert.Equal(["Int32", "String", "Double"], result.Columns.Select(c => c.Type));
        Assert.Equal([1, "a", null], result.Rows[0]);
    }
}
