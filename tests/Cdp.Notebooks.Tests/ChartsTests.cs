using System.Globalization;
using System.Xml.Linq;
using Cdp.Engine;

namespace Cdp.Notebooks.Tests;

/// <summary>Charts are well-formed SVG whatever their text, and draw what they are given.</summary>
public sealed class ChartsTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private const string Hostile = "<script>alert('x')</script> & \"quotes\" ]]> é 名前";

    [Fact]
    public void Titles_and_labels_from_data_are_escaped_into_well_formed_svg()
    {
        var bars = Charts.Bars(Hostile, Hostile, [(Hostile, 3), ("ok", 1)]);
        var lines = Charts.Lines(Hostile, Hostile, Hostile, [new Series(Hostile, [new(0, 0), new(1, 2)])]);

        foreach (var chart in new[] { bars, lines })
        {
            var svg = XDocument.Parse(chart.Svg).Root!;
            Assert.Equal(Svg + "svg", svg.Name);
            Assert.Equal(Hostile, svg.Element(Svg + "title")!.Value);
            Assert.Empty(svg.Descendants(Svg + "script"));
            Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == Hostile);
            Assert.Equal(Hostile, chart.Title);
        }
    }

    [Fact]
    public void A_bar_is_drawn_per_row_with_lengths_in_proportion_and_values_written()
    {
        var chart = Charts.Bars("sizes", "persons", [("small", 10), ("large", 40), ("none", 0)]);

        var svg = XDocument.Parse(chart.Svg).Root!;
        var bars = svg.Elements(Svg + "rect").Where(r => r.Attribute("x") is not null && r.Attribute("fill")?.Value != "white").ToList();
        Assert.Equal(3, bars.Count);
        var widths = bars.Select(b => double.Parse(b.Attribute("width")!.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4.0, widths[1] / widths[0], precision: 1);
        Assert.Equal(0.0, widths[2]);
        var texts = svg.Elements(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("40", texts);
        Assert.Contains("large", texts);
    }

    [Fact]
    public void Bars_from_a_query_take_the_first_column_as_label_and_the_second_as_value()
    {
        var result = new QueryResult([new("country", "VARCHAR"), new("persons", "BIGINT")], [["FR", 135L], [null, 31L]]);

        var svg = XDocument.Parse(Charts.Bars("by country", "persons", result).Svg).Root!;

        var texts = svg.Elements(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("FR", texts);
        Assert.Contains("NULL", texts);
        Assert.Contains("135", texts);
    }

    [Fact]
    public void A_bar_chart_needs_a_label_and_a_value_column()
    {
        var result = new QueryResult([new("persons", "BIGINT")], [[1L]]);

        var error = Assert.Throws<ArgumentException>(() => Charts.Bars("t", "v", result));

        Assert.Contains("two columns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_roc_chart_names_the_auc_and_draws_the_curve_and_the_diagonal()
    {
        var chart = Charts.Roc([0.9, 0.7, 0.4, 0.2], [true, false, true, false], "ROC");

        var svg = XDocument.Parse(chart.Svg).Root!;
        Assert.Contains(svg.Elements(Svg + "text"), t => t.Value == "model (AUC 0.750)");
        var lines = svg.Elements(Svg + "polyline").ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(5, lines[0].Attribute("points")!.Value.Split(' ').Length);
        Assert.NotNull(lines[1].Attribute("stroke-dasharray"));
    }

    [Fact]
    public void Points_that_are_not_numbers_are_left_out_of_a_line()
    {
        var chart = Charts.Lines("t", "x", "y", [new Series("s", [new(0, 1), new(0.5, double.NaN), new(1, 2)])]);

        var points = XDocument.Parse(chart.Svg).Root!.Element(Svg + "polyline")!.Attribute("points")!.Value;
        Assert.Equal(2, points.Split(' ').Length);
        Assert.DoesNotContain("NaN", chart.Svg, StringComparison.Ordinal);
    }
}
