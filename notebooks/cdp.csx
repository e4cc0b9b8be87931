// The shared first cell of every notebook in this folder (`#load "cdp.csx"`): loads the Cdp libraries from the
// Release build of Cdp.Notebooks/ and registers every Delta table of the lake as a view `zone.table`.
// The #r paths below are relative to this file. The lake is $CDP_LAKE when set (a folder or an object-store URI),
// else the repository's lake/, which `dotnet run --project jobs/Cdp.Cli -- demo` fills at the repository root.
// The using directives here apply to this file only: a notebook's first cell names the namespaces it uses.
// A "Metadata file ... could not be found" error means the libraries are not built: run
// `dotnet build Cdp.Lakehouse.sln -c Release` at the repository root and restart the kernel. See README.md.
#r "Cdp.Notebooks/bin/Release/net10.0/Cdp.Engine.dll"
#r "Cdp.Notebooks/bin/Release/net10.0/Cdp.Lake.dll"
#r "Cdp.Notebooks/bin/Release/net10.0/Cdp.Ml.dll"
#r "Cdp.Notebooks/bin/Release/net10.0/Cdp.Notebooks.dll"

using System.IO;
using Cdp.Engine;
using Cdp.Lake;
using Cdp.Notebooks;
using Microsoft.DotNet.Interactive.Formatting;

// Numbers and dates print the same way on every machine (and as the test suite reads them).
System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;

Formatter.Register<QueryResult>((result, writer) => writer.Write(ResultTable.Html(result)), "text/html");
Formatter.Register<QueryResult>((result, writer) => writer.Write(ResultTable.Text(result)), "text/plain");
Formatter.Register<SvgChart>((chart, writer) => writer.Write(chart.Svg), "image/svg+xml");
Formatter.SetPreferredMimeTypesFor(typeof(SvgChart), "image/svg+xml");

// This file's folder, whatever the kernel's working folder: the compiler passes the script's path.
static string NotebooksFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

var lakeUri = Environment.GetEnvironmentVariable("CDP_LAKE") is { Length: > 0 } configured
    ? configured
    : Path.GetFullPath(Path.Combine(NotebooksFolder(), "..", "lake"));
var lake = new LakeSession();
var lakeTables = await lake.RegisterLakeAsync(lakeUri);
if (lakeTables.Count == 0)
    throw new InvalidOperationException(
        $"No Delta tables under '{lakeUri}'. Build the demo lake with `dotnet run --project jobs/Cdp.Cli -- demo` at the repository root, " +
        "or set CDP_LAKE to a lake built by `cdp demo`, then restart the kernel.");

/// <summary>Runs SQL on the lake's views (<c>zone.table</c>); the result shows as a table.</summary>
Task<QueryResult> Sql(string sql) => lake.Engine.QueryAsync(sql);

Console.WriteLine($"Lake {lakeUri}: {lakeTables.Count} tables ({string.Join(", ", lakeTables.GroupBy(t => t.Schema).Select(g => $"{g.Key} {g.Count()}"))})");
