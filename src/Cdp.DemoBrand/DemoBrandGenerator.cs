using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cdp.DemoBrand.Model;
using Cdp.DemoBrand.Output;
using Cdp.DemoBrand.Silos;

namespace Cdp.DemoBrand;

/// <summary>What to generate.</summary>
/// <param name="OutputDirectory">The folder to write the silos to (created; must be empty or hold an earlier generation).</param>
/// <param name="People">How many true people the brand has.</param>
/// <param name="Seed">The seed: the same (people, seed, as-of) give byte-identical files.</param>
/// <param name="AsOf">The last day of the data; the data covers the two years (730 days) ending that day.</param>
public sealed record GenerationOptions(string OutputDirectory, int People = GenerationOptions.DefaultPeople, ulong Seed = GenerationOptions.DefaultSeed, DateOnly? AsOf = null)
{
    public const int DefaultPeople = 20_000;
    public const ulong DefaultSeed = 42;

    /// <summary>The default as-of date, 2026-10-31.</summary>
    public static readonly DateOnly DefaultAsOf = new(2026, 10, 31);

    /// <summary>Days of history before the as-of date.</summary>
    public const int HistoryDays = 730;

    public DateOnly EffectiveAsOf => AsOf ?? DefaultAsOf;
}

/// <summary>Progress of a generation: people done out of the total.</summary>
public sealed record GenerationProgress(long PeopleDone, long PeopleTotal);

/// <summary>One output of a generation (web events: the partition folder, its files counted together).</summary>
/// <param name="Path">Relative to the output folder, with '/' separators.</param>
/// <param name="Files">Number of files (more than one for partitioned outputs).</param>
/// <param name="Rows">Data rows (CSV rows without header, JSON lines).</param>
/// <param name="Bytes">Size on disk.</param>
public sealed record OutputSummary(string Path, int Files, long Rows, long Bytes);

/// <summary>What a generation wrote, and how long it took.</summary>
public sealed record GenerationSummary(string OutputDirectory, int People, ulong Seed, DateOnly AsOf, IReadOnlyList<OutputSummary> Outputs, double Seconds)
{
    public int Files => Outputs.Sum(o => o.Files);
    public long Rows => Outputs.Sum(o => o.Rows);
    public long Bytes => Outputs.Sum(o => o.Bytes);
}

/// <summary>
/// Generates a beauty and personal-care brand's data silos (CRM, loyalty, e-shop, web and app events, stores,
/// e-mail, consents, catalogue) and the ground truth behind them (<c>truth/</c>, never to be ingested).
/// Deterministic, streamed person by person with bounded memory.
/// </summary>
public static class DemoBrandGenerator
{
    /// <summary>The name of the file that marks a folder as a generation's output (it may then be overwritten).</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>The folders a generation writes (and replaces on a re-run).</summary>
    public static IReadOnlyList<string> Folders { get; } = ["crm", "loyalty", "eshop", "web", "app", "stores", "email", "consents", "catalog", "truth", ".spill"];

    public static GenerationSummary Generate(GenerationOptions options, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.People, 1);
        var watch = Stopwatch.StartNew();
        var root = Path.GetFullPath(options.OutputDirectory);
        Prepare(root);

        var asOf = options.EffectiveAsOf;
        var end = asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var start = end.AddDays(-GenerationOptions.HistoryDays);
        var catalogue = Catalogue.Default;
        WriteCatalogue(root, catalogue);
        WriteStores(root);

        using (var files = new SiloFiles(root))
        {
            var simulation = new PersonSimulation(files, catalogue, options.Seed, start, end);
            var step = Math.Max(1, options.People / 100);
            for (long i = 0; i < options.People; i++)
            {
                simulation.Run(i);
                if ((i + 1) % step == 0 || i + 1 == options.People)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report(new GenerationProgress(i + 1, options.People));
                }
            }
            files.Complete();
            var outputs = Summarise(root, files.RowCounts(), files.WebEvents.Files);
            Directory.Delete(Path.Combine(root, ".spill"), recursive: true);
            WriteManifest(root, options, asOf, outputs);
            return new GenerationSummary(root, options.People, options.Seed, asOf, outputs, watch.Elapsed.TotalSeconds);
        }
    }

    /// <summary>Creates the folder, or clears an earlier generation's folders in it; refuses a folder holding anything else.</summary>
    private static void Prepare(string root)
    {
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            if (!File.Exists(Path.Combine(root, ManifestFile)))
                throw new IOException($"{root} is not empty and holds no {ManifestFile} of an earlier generation; choose another output folder");
            foreach (var folder in Folders)
            {
                var path = Path.Combine(root, folder);
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            }
            File.Delete(Path.Combine(root, ManifestFile));
        }
        Directory.CreateDirectory(root);
        // Claim the folder at once, so that a cancelled or failed run can be re-run into it.
        File.WriteAllText(Path.Combine(root, ManifestFile), "{ \"generator\": \"Cdp.DemoBrand\", \"complete\": false }\n", Text.Utf8);
    }

    private static void WriteCatalogue(string root, Catalogue catalogue)
    {
        var inv = CultureInfo.InvariantCulture;
        using (var products = new CsvFile(Path.Combine(root, "catalog", "products.csv"),
            "sku", "name", "category", "size", "content", "unit", "usage_days", "price", "currency", "stock", "image_url"))
        {
            foreach (var i in catalogue.Items)
            {
                products.Row(i.Sku, i.Name, Catalogue.Name(i.Category), i.Size, i.Content.ToString("0.##", inv), i.Unit,
                    i.UsageDays.ToString(inv), i.Price.ToString("0.00", inv), "EUR", i.Stock.ToString(inv), i.ImageUrl);
            }
        }
        using var complements = new CsvFile(Path.Combine(root, "catalog", "complements.csv"), "sku", "complement_sku", "reason", "strength");
        foreach (var c in catalogue.Complements) complements.Row(c.Sku, c.ComplementSku, c.Reason, c.Strength.ToString("0.0", inv));
    }

    private static void WriteStores(string root)
    {
        using var stores = new CsvFile(Path.Combine(root, "stores", "stores.csv"), "store_id", "name", "city", "postcode", "country", "format", "opened_on", "currency");
        foreach (var s in Geography.Stores) stores.Row(s.Id, s.Name, s.City, s.Postcode, s.Country, s.Format, s.OpenedOn, s.Currency);
    }

    private static List<OutputSummary> Summarise(string root, IReadOnlyList<(string Name, long Rows)> counts, IReadOnlyList<string> webFiles)
    {
        var outputs = new List<OutputSummary>
        {
            Single(root, "catalog/products.csv", Catalogue.Default.Items.Count),
            Single(root, "catalog/complements.csv", Catalogue.Default.Complements.Count),
            Single(root, "stores/stores.csv", Geography.Stores.Count),
        };
        foreach (var (name, rows) in counts)
        {
            if (name == "web/events") outputs.Add(new OutputSummary(name, webFiles.Count, rows, webFiles.Sum(f => new FileInfo(f).Length)));
            else outputs.Add(Single(root, name, rows));
        }
        outputs.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return outputs;
    }

    private static OutputSummary Single(string root, string name, long rows) => new(name, 1, rows, new FileInfo(Path.Combine(root, name)).Length);

    /// <summary>A deterministic description of the generation (no timings), which also marks the folder as ours.</summary>
    private static void WriteManifest(string root, GenerationOptions options, DateOnly asOf, IReadOnlyList<OutputSummary> outputs)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("{\n");
        sb.Append("  \"generator\": \"Cdp.DemoBrand\",\n");
        sb.Append("  \"complete\": true,\n");
        sb.Append(inv, $"  \"people\": {options.People},\n");
        sb.Append(inv, $"  \"seed\": {options.Seed},\n");
        sb.Append(inv, $"  \"as_of\": \"{Times.Date(asOf)}\",\n");
        sb.Append(inv, $"  \"history_days\": {GenerationOptions.HistoryDays},\n");
        sb.Append("  \"note\": \"truth/ is the ground truth for evaluation; never ingest it\",\n");
        sb.Append("  \"outputs\": [\n");
        for (var i = 0; i < outputs.Count; i++)
        {
            var o = outputs[i];
            sb.Append(inv, $"    {{ \"path\": \"{o.Path}\", \"files\": {o.Files}, \"rows\": {o.Rows}, \"bytes\": {o.Bytes} }}");
            sb.Append(i + 1 < outputs.Count ? ",\n" : "\n");
        }
        sb.Append("  ]\n}\n");
        File.WriteAllText(Path.Combine(root, ManifestFile), sb.ToString(), Text.Utf8);
    }
}
