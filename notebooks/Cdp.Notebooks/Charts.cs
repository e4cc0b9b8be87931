using System.Globalization;
using System.Xml.Linq;
using Cdp.Engine;
using Cdp.Ml.Training;

namespace Cdp.Notebooks;

/// <summary>
/// A self-contained SVG picture. Notebooks register a formatter that shows <see cref="Svg"/> as <c>image/svg+xml</c>,
/// so the chart is stored in the notebook's outputs and renders without a script or a network connection.
/// </summary>
public sealed record SvgChart(string Title, string Svg)
{
    public override string ToString() => Title;
}

/// <summary>A named line of a chart; a dashed series is a reference (a random model, a baseline).</summary>
public sealed record Series(string Name, IReadOnlyList<CurvePoint> Points, bool Dashed = false);

/// <summary>Small line and bar charts drawn as SVG, with every text escaped (titles and labels may be data).</summary>
public static class Charts
{
    private const double Width = 560;
    private const double Height = 360;
    private const double Top = 40;
    private const double Bottom = 52;
    private const double Right = 24;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

    /// <summary>The ROC curve of scores against labels, with the diagonal of a random order and the AUC in the legend.</summary>
    public static SvgChart Roc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, string title = "ROC curve")
    {
        var curve = Curves.Roc(scores, labels);
        var auc = BinaryMetrics.Auc(scores, labels);
        return Lines(title, "false positive rate", "true positive rate",
        [
            new Series(string.Create(CultureInfo.InvariantCulture, $"model (AUC {auc:F3})"), curve),
            new Series("random", [new(0, 0), new(1, 1)], Dashed: true),
        ], x: (0, 1), y: (0, 1));
    }

    /// <summary>Cumulative lift by share of people targeted (highest scores first), against 1 for a random order.</summary>
    public static SvgChart Lift(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, string title = "Cumulative lift", int steps = 20)
    {
        var curve = Curves.Lift(scores, labels, steps);
        return Lines(title, "share targeted (highest scores first)", "lift over random",
        [
            new Series("model", curve),
            new Series("random", [new(0, 1), new(1, 1)], Dashed: true),
        ], x: (0, 1), y: (0, Math.Max(2, curve.Count == 0 ? 0 : curve.Max(p => p.Y))));
    }

    /// <summary>Lines over shared axes; an axis range not given spans the data (and 0).</summary>
    public static SvgChart Lines(string title, string xTitle, string yTitle, IReadOnlyList<Series> series,
        (double Min, double Max)? x = null, (double Min, double Max)? y = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        var xAxis = Axis.Over(x ?? Span(points.Select(p => p.X)));
        var yAxis = Axis.Over(y ?? Span(points.Select(p => p.Y)));
        var plot = new Plot(Left: 64, Top, Right: Width - Right, Bottom: Height - Bottom);
        var svg = Canvas(title);
        svg.Add(Grid(plot, xAxis, yAxis, xTitle, yTitle));
        if (series.Count > 0)
        {
            svg.Add(new XElement(Svg + "rect", Attributes(("x", plot.Right - 156), ("y", plot.Top + 2), ("width", 152), ("height", 16 * series.Count + 6)),
                new XAttribute("fill", "white"), new XAttribute("fill-opacity", "0.85"), new XAttribute("stroke", "#cccccc")));
        }
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = s.Dashed ? "#888888" : Palette[i % Palette.Length];
            var path = string.Join(' ', s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))
                .Select(p => $"{N(plot.X(xAxis, p.X))},{N(plot.Y(yAxis, p.Y))}"));
            var line = new XElement(Svg + "polyline", new XAttribute("points", path), new XAttribute("fill", "none"),
                new XAttribute("stroke", color), new XAttribute("stroke-width", s.Dashed ? "1" : "2"));
            if (s.Dashed) line.Add(new XAttribute("stroke-dasharray", "5,4"));
            svg.Add(line);
            var legendY = plot.Top + 14 + 16 * i;
            svg.Add(new XElement(Svg + "line", Attributes(("x1", plot.Right - 150), ("y1", legendY - 4), ("x2", plot.Right - 130), ("y2", legendY - 4)),
                new XAttribute("stroke", color), new XAttribute("stroke-width", "2")));
            svg.Add(Text(plot.Right - 124, legendY, s.Name, "start", 11));
        }
        return new SvgChart(title, svg.ToString(SaveOptions.DisableFormatting));
    }

    /// <summary>Horizontal bars, one per label, with the value at the end of each bar.</summary>
    public static SvgChart Bars(string title, string valueTitle, IReadOnlyList<(string Label, double Value)> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var longest = bars.Count == 0 ? 0 : bars.Max(b => b.Label.Length);
        var rowHeight = 22.0;
        var height = Top + Bottom + Math.Max(1, bars.Count) * rowHeight;
        var plot = new Plot(Left: 16 + 7 * Math.Clamp(longest, 4, 28), Top, Right: Width - Right - 48, Bottom: height - Bottom);
        var axis = Axis.Over(Span(bars.Select(b => b.Value).Where(double.IsFinite)));
        var svg = Canvas(title, height);
        foreach (var tick in axis.Ticks)
        {
            var tx = plot.X(axis, tick);
            svg.Add(new XElement(Svg + "line", Attributes(("x1", tx), ("y1", plot.Top), ("x2", tx), ("y2", plot.Bottom)), new XAttribute("stroke", "#e5e5e5")));
            svg.Add(Text(tx, plot.Bottom + 16, axis.Label(tick), "middle", 11));
        }
        svg.Add(Text((plot.Left + plot.Right) / 2, plot.Bottom + 38, valueTitle, "middle", 12));
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = plot.Top + i * rowHeight;
            var x0 = plot.X(axis, Math.Max(axis.Min, 0));
            var x1 = plot.X(axis, double.IsFinite(value) ? value : 0);
            svg.Add(new XElement(Svg + "rect", Attributes(("x", Math.Min(x0, x1)), ("y", y + 3), ("width", Math.Abs(x1 - x0)), ("height", rowHeight - 6)),
                new XAttribute("fill", Palette[0])));
            svg.Add(Text(plot.Left - 6, y + rowHeight / 2 + 4, label, "end", 11));
            svg.Add(Text(Math.Max(x0, x1) + 4, y + rowHeight / 2 + 4, axis.Label(value, exact: true), "start", 11));
        }
        return new SvgChart(title, svg.ToString(SaveOptions.DisableFormatting));
    }

    /// <summary>Bars from a query: the first column labels each bar, the second is its value.</summary>
    public static SvgChart Bars(string title, string valueTitle, QueryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Columns.Count < 2)
            throw new ArgumentException($"A bar chart needs two columns (label, value); the query returned {result.Columns.Count}.", nameof(result));
        return Bars(title, valueTitle, result.Rows
            .Select(r => (ResultTable.Format(r[0]), r[1] is null ? double.NaN : Convert.ToDouble(r[1], CultureInfo.InvariantCulture)))
            .ToList());
    }

    private static XElement Canvas(string title, double height = Height)
    {
        ArgumentNullException.ThrowIfNull(title);
        var svg = new XElement(Svg + "svg", Attributes(("width", Width), ("height", height)),
            new XAttribute("viewBox", $"0 0 {N(Width)} {N(height)}"), new XAttribute("font-family", "sans-serif"));
        svg.Add(new XElement(Svg + "title", title));
        svg.Add(new XElement(Svg + "rect", Attributes(("width", Width), ("height", height)), new XAttribute("fill", "white")));
        svg.Add(Text(Width / 2, 22, title, "middle", 15));
        return svg;
    }

    private static IEnumerable<XElement> Grid(Plot plot, Axis x, Axis y, string xTitle, string yTitle)
    {
        foreach (var tick in x.Ticks)
        {
            var px = plot.X(x, tick);
            yield return new XElement(Svg + "line", Attributes(("x1", px), ("y1", plot.Top), ("x2", px), ("y2", plot.Bottom)), new XAttribute("stroke", "#e5e5e5"));
            yield return Text(px, plot.Bottom + 16, x.Label(tick), "middle", 11);
        }
        foreach (var tick in y.Ticks)
        {
            var py = plot.Y(y, tick);
            yield return new XElement(Svg + "line", Attributes(("x1", plot.Left), ("y1", py), ("x2", plot.Right), ("y2", py)), new XAttribute("stroke", "#e5e5e5"));
            yield return Text(plot.Left - 6, py + 4, y.Label(tick), "end", 11);
        }
        yield return new XElement(Svg + "rect", Attributes(("x", plot.Left), ("y", plot.Top), ("width", plot.Right - plot.Left), ("height", plot.Bottom - plot.Top)),
            new XAttribute("fill", "none"), new XAttribute("stroke", "#444444"));
        yield return Text((plot.Left + plot.Right) / 2, plot.Bottom + 38, xTitle, "middle", 12);
        var ty = (plot.Top + plot.Bottom) / 2;
        var yLabel = Text(16, ty, yTitle, "middle", 12);
        yLabel.Add(new XAttribute("transform", $"rotate(-90 16 {N(ty)})"));
        yield return yLabel;
    }

    private static XElement Text(double x, double y, string text, string anchor, int size)
        => new(Svg + "text", Attributes(("x", x), ("y", y)), new XAttribute("text-anchor", anchor), new XAttribute("font-size", size), text);

    private static IEnumerable<XAttribute> Attributes(params (string Name, double Value)[] attributes)
        => attributes.Select(a => new XAttribute(a.Name, N(a.Value)));

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static (double Min, double Max) Span(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? (0, 1) : (Math.Min(0, list.Min()), Math.Max(0, list.Max()));
    }

    /// <summary>The drawing area, in SVG units.</summary>
    private sealed record Plot(double Left, double Top, double Right, double Bottom)
    {
        public double X(Axis axis, double value) => Left + (Right - Left) * axis.Fraction(value);

        public double Y(Axis axis, double value) => Bottom - (Bottom - Top) * axis.Fraction(value);
    }

    /// <summary>A range widened to round ticks (steps of 1, 2, 2.5 or 5 times a power of ten, about five of them).</summary>
    private sealed record Axis(double Min, double Max, double Step)
    {
        public static Axis Over((double Min, double Max) range)
        {
            var (min, max) = range;
            if (!(max > min)) max = min + 1;
            var rough = (max - min) / 5;
            var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
            var step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * power).First(s => s >= rough);
            return new Axis(Math.Floor(min / step + 1e-9) * step, Math.Ceiling(max / step - 1e-9) * step, step);
        }

        public IEnumerable<double> Ticks
        {
            get
            {
                var count = (int)Math.Round((Max - Min) / Step);
                for (var i = 0; i <= count; i++) yield return Min + i * Step;
            }
        }

        public double Fraction(double value) => (value - Min) / (Max - Min);

        public string Label(double value, bool exact = false)
            => exact ? ResultTable.Format(value) : Math.Round(value, 6).ToString("0.###", CultureInfo.InvariantCulture);
    }
}
