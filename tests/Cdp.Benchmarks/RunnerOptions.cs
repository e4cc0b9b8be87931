using System.Globalization;

namespace Cdp.Benchmarks;

/// <summary>Command-line options of the runner.</summary>
internal sealed record RunnerOptions(
    IReadOnlySet<string> Scenarios,
    long? Size,
    int? Repeat,
    bool Quick,
    bool Keep,
    bool InlineSource,
    string? WorkDirectory,
    bool Help)
{
    public static RunnerOptions Parse(IReadOnlyList<string> args, IReadOnlyList<string> known)
    {
        var scenarios = new HashSet<string>(StringComparer.Ordinal);
        long? size = null;
        int? repeat = null;
        bool quick = false, keep = false, inlineSource = false, help = false;
        string? workDirectory = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
            switch (args[i])
            {
                case "--scenario" or "-s":
                    foreach (var name in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!known.Contains(name)) throw new ArgumentException($"Unknown scenario '{name}'; known: {string.Join(", ", known)}.");
                        scenarios.Add(name);
                    }
                    break;
                case "--size" or "-n":
                    size = long.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n
                        : throw new ArgumentException("--size needs a positive integer.");
                    break;
                case "--repeat" or "-k":
                    repeat = int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) && k > 0
                        ? k
                        : throw new ArgumentException("--repeat needs a positive integer.");
                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--inline-source":
                    inlineSource = true;
                    break;
                case "--work-dir":
                    workDirectory = Value();
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        return new RunnerOptions(scenarios, size, repeat, quick, keep, inlineSource, workDirectory, help);
    }

    public static string Usage(IEnumerable<IScenario> scenarios)
        => "Usage: Cdp.Benchmarks [--scenario NAME[,NAME]]... [--size N] [--repeat K] [--quick] [--keep] [--work-dir DIR] [--inline-source]\n" +
           "  --scenario  run only these scenarios (default: all)\n" +
           "  --size      rows or commits, depending on the scenario (default: the scenario's own)\n" +
           "  --repeat    timed repeats per side; medians are reported (default 3; ml-train and sync-throughput 1)\n" +
           "  --quick     default sizes divided by 10, for smoke runs\n" +
           "  --keep      keep the generated tables instead of deleting them\n" +
           "  --work-dir  parent folder of the generated tables (default: the temp folder)\n" +
           "  --inline-source  delta-append: stream the range() query into both sides instead of a table of its rows\n" +
           "Scenarios:\n" +
           string.Join("\n", scenarios.Select(s => $"  {s.Name,-15} {s.Description} (default size {s.DefaultSize.ToString("N0", CultureInfo.InvariantCulture)})"));
}
