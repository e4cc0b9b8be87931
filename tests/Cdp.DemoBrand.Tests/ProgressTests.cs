using Cdp.Testing;

namespace Cdp.DemoBrand.Tests;

/// <summary>Progress reports, cancellation, and the output folder rules.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly TempDirectory _dir = new("demobrand-progress");

    public void Dispose() => _dir.Dispose();

    private sealed class Recorder(Action<GenerationProgress>? onReport = null) : IProgress<GenerationProgress>
    {
        public List<GenerationProgress> Reports { get; } = [];

        public void Report(GenerationProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    [Fact]
    public void Progress_counts_people_up_to_the_total_and_the_summary_adds_up()
    {
        var progress = new Recorder();
        var summary = DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("out"), People: 250, Seed: 3), progress);
        Assert.True(progress.Reports.Count >= 10);
        Assert.Equal(new GenerationProgress(250, 250), progress.Reports[^1]);
        Assert.True(progress.Reports.Select(r => r.PeopleDone).SequenceEqual(progress.Reports.Select(r => r.PeopleDone).Order()));
        Assert.Equal(summary.Outputs.Sum(o => o.Rows), summary.Rows);
        Assert.Equal(14, summary.Outputs.Count);
        Assert.Contains("\"complete\": true", File.ReadAllText(_dir.Combine("out", DemoBrandGenerator.ManifestFile)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_generation_can_be_run_again_into_the_same_folder()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new Recorder(p =>
        {
            if (p.PeopleDone >= 100) cancel.Cancel();
        });
        Assert.Throws<OperationCanceledException>(() => DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("out"), People: 1000), progress, cancel.Token));

        var summary = DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("out"), People: 200));
        Assert.Equal(200, summary.Outputs.Single(o => o.Path == "truth/people.csv").Rows);
        Assert.False(Directory.Exists(_dir.Combine("out", ".spill")));
    }

    [Fact]
    public void A_folder_holding_other_files_is_refused_and_left_alone()
    {
        Directory.CreateDirectory(_dir.Combine("mine"));
        File.WriteAllText(_dir.Combine("mine", "notes.txt"), "keep");
        var e = Assert.Throws<IOException>(() => DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("mine"), People: 10)));
        Assert.Contains("not empty", e.Message, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFiles(_dir.Combine("mine")).Select(Path.GetFileName));
    }
}
