using System.Globalization;
using System.Text.RegularExpressions;
using Cdp.Notebooks.Tests.Support;

namespace Cdp.Notebooks.Tests;

/// <summary>
/// Every notebook in notebooks/ run headlessly (dotnet-repl) against one small demo lake: each must finish with exit
/// code 0 and no cell error, and each must print figures that match the lake it was pointed at.
/// </summary>
[Collection(DemoLakeCollection.Name)]
public sealed partial class NotebookRunTests(DemoLake lake)
{
    public static TheoryData<string> CommittedNotebooks() => new(NotebookRunner.Notebooks);

    [Theory]
    [MemberData(nameof(CommittedNotebooks))]
    public async Task Every_notebook_runs_headlessly_against_the_demo_lake(string notebook)
    {
        var run = await lake.RunAsync(notebook);

        Assert.True(run.ExitCode == 0 && run.Errors.Count == 0, run.Describe());
        // The shared first cell registered the test's lake, not the repository's.
        Assert.Contains($"Lake {lake.Lake}: ", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profiles_notebook_reports_the_golden_profiles_identities_and_consents_of_the_lake()
    {
        var run = await lake.RunAsync("01-profiles-and-identities.ipynb");

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal(await lake.CountAsync("SELECT count(*) FROM gold.golden_profiles"), Figure(run, "golden profiles: "));
        Assert.Equal(await lake.CountAsync("SELECT count(DISTINCT person_id) FROM silver.identity_person_map"), Figure(run, "persons in the identity map: "));
        Assert.Equal(await lake.CountAsync("SELECT count(*) FROM silver.identity_changes"), Figure(run, "identity changes logged: "));
        var charts = run.Displayed("image/svg+xml");
        Assert.Contains(charts, svg => svg.Contains("<title>Persons by number of anchor identifiers</title>", StringComparison.Ordinal));
        Assert.Contains(charts, svg => svg.Contains("<title>Consent granted, % of profiled persons</title>", StringComparison.Ordinal));
        // Query results show as HTML tables.
        Assert.Contains(run.Displayed("text/html"), html => html.Contains("<th title=\"Varchar\">identifier_type</th>", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Churn_notebook_trains_checks_out_of_time_and_draws_roc_and_lift()
    {
        var run = await lake.RunAsync("02-churn-model.ipynb");

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains($"MaxTrials = {DemoLake.ChurnTrials},", string.Concat(run.Displayed("text/plain")), StringComparison.Ordinal);
        var crossValidated = Auc(run, "cross-validated AUC ");
        var outOfTime = Auc(run, "out-of-time AUC ");
        // The demo brand's churn is learnable: far better than a random order, both in and out of time.
        Assert.InRange(crossValidated, 0.7, 1.0);
        Assert.InRange(outOfTime, 0.7, 1.0);
        var charts = run.Displayed("image/svg+xml");
        Assert.Contains(charts, svg => svg.Contains("<title>ROC, hold-out cutoff ", StringComparison.Ordinal)
            && svg.Contains(string.Create(CultureInfo.InvariantCulture, $"model (AUC {outOfTime:F3})"), StringComparison.Ordinal));
        Assert.Contains(charts, svg => svg.Contains("<title>Cumulative lift, hold-out cutoff ", StringComparison.Ordinal));
        Assert.Matches(@"scored \d+ people as of \d{4}-\d{2}-\d{2}", run.Console);
    }

    [Fact]
    public async Task Audience_notebook_sizes_the_email_audience_and_an_overlap_that_adds_up()
    {
        var run = await lake.RunAsync("03-audience-sizing.ipynb");

        Assert.True(run.ExitCode == 0, run.Describe());
        var reach = Regex.Match(run.Console, @"email-contactable persons: (\d+) of (\d+)");
        Assert.True(reach.Success, run.Describe());
        Assert.Equal(await lake.CountAsync("SELECT count(*) FROM gold.customer_profiles WHERE contactable_email"), long.Parse(reach.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(await lake.CountAsync("SELECT count(*) FROM gold.customer_profiles"), long.Parse(reach.Groups[2].Value, CultureInfo.InvariantCulture));

        var sizes = Regex.Match(run.Console, @"A = [^:]+: (\d+) persons; B = [^:]+: (\d+) persons");
        var overlap = Regex.Match(run.Console, @"overlap: (\d+) persons in both; (\d+) in either");
        Assert.True(sizes.Success && overlap.Success, run.Describe());
        var (a, b) = (long.Parse(sizes.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(sizes.Groups[2].Value, CultureInfo.InvariantCulture));
        var (both, either) = (long.Parse(overlap.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(overlap.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.True(a > 0 && b > 0, $"both audiences are non-empty on the demo lake: A {a}, B {b}");
        Assert.InRange(both, 0, Math.Min(a, b));
        Assert.Equal(a + b - both, either);
        Assert.Equal(await lake.CountAsync("SELECT count(*) FROM gold.customer_profiles WHERE contactable_email AND recency_days BETWEEN 91 AND 365"), a);
    }

    private static long Figure(NotebookRun run, string label)
    {
        var match = Regex.Match(run.Console, Regex.Escape(label) + @"(\d+)");
        Assert.True(match.Success, $"no line '{label}<number>' in the output\n{run.Describe()}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static double Auc(NotebookRun run, string label)
    {
        var match = Regex.Match(run.Console, Regex.Escape(label) + @"(\d\.\d{3})");
        Assert.True(match.Success, $"no line '{label}0.xxx' in the output\n{run.Describe()}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
