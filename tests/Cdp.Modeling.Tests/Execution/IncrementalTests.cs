using System.Globalization;
using System.Text;
using Cdp.Lake;
using Cdp.Modeling.Execution;
using Cdp.Modeling.Tests.Support;
using Xunit.Abstractions;

namespace Cdp.Modeling.Tests.Execution;

/// <summary>
/// Incremental models built batch by batch hold the same rows as a full rebuild over all the batches, for each
/// strategy (append, merge on unique_key, delete+insert), over random batches.
/// </summary>
public sealed class IncrementalTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private const string Models = """
        {{ config(materialized='incremental', incremental_strategy='append') }}
        select * from {{ source('raw', 'events') }}
        {% if is_incremental() %}where batch > (select max(batch) from {{ this }}){% endif %}
        """;

    private const string MergeModel = """
        {{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}
        select id, arg_max(value, batch) as value, max(batch) as batch
        from {{ source('raw', 'events') }}
        {% if is_incremental() %}where batch > (select max(batch) from {{ this }}){% endif %}
        group by id
        """;

    private const string DeleteInsertModel = """
        {{ config(materialized='incremental', unique_key='customer', incremental_strategy='delete+insert') }}
        select customer, id, value, batch
        from {{ source('raw', 'events') }}
        {% if is_incremental() %}
        where customer in (select customer from {{ source('raw', 'events') }} where batch > (select max(batch) from {{ this }}))
        {% endif %}
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task Batch_by_batch_equals_a_full_refresh(int seed)
    {
        _project.Write("models/sources.yml", "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n")
            .Write("models/inc_append.sql", Models)
            .Write("models/inc_merge.sql", MergeModel)
            .Write("models/inc_delete_insert.sql", DeleteInsertModel);
        var random = new Random(seed);
        var batches = random.Next(3, 6);
        var nextId = 0;
        for (var batch = 1; batch <= batches; batch++)
        {
            await AppendBatchAsync(random, batch, ref nextId);
            var run = await _project.RunAsync(RunMode.Run);
            Assert.True(run.Summary.Succeeded, string.Join("\n", run.Summary.Results.Select(r => r.Message)));
            if (batch > 1)
                Assert.All(run.Summary.Results, r => Assert.DoesNotContain("full build", r.Message, StringComparison.Ordinal));
        }
        output.WriteLine($"seed {seed}: {batches} batches, {nextId} ids");

        var incremental = await SnapshotAsync();
        var refresh = await _project.RunAsync(RunMode.Run, _project.Request() with { FullRefresh = true });
        Assert.All(refresh.Summary.Results, r => Assert.Contains("full build", r.Message, StringComparison.Ordinal));
        var full = await SnapshotAsync();

        Assert.Equal(full.Append, incremental.Append);
        Assert.Equal(full.Merge, incremental.Merge);
        Assert.Equal(full.DeleteInsert, incremental.DeleteInsert);
        Assert.NotEmpty(full.Merge);
    }

    private async Task<(IReadOnlyList<string> Append, IReadOnlyList<string> Merge, IReadOnlyList<string> DeleteInsert)> SnapshotAsync()
        => (await _project.RowsAsync("SELECT id, customer, value, batch FROM main.inc_append"),
            await _project.RowsAsync("SELECT id, value, batch FROM main.inc_merge"),
            await _project.RowsAsync("SELECT customer, id, value, batch FROM main.inc_delete_insert"));

    /// <summary>New ids, updates of ids from earlier batches (at most once per batch), and customers spanning batches.</summary>
    private Task AppendBatchAsync(Random random, int batch, ref int nextId)
    {
        var csv = new StringBuilder("id,customer,value,batch\n");
        var rows = random.Next(5, 40);
        var used = new HashSet<int>();
        var earlier = nextId;
        for (var i = 0; i < rows; i++)
        {
            var id = earlier > 0 && random.NextDouble() < 0.4 ? random.Next(0, earlier) : nextId++;
            if (!used.Add(id)) continue;
            csv.Append(CultureInfo.InvariantCulture, $"{id},c{random.Next(0, 12)},{random.Next(0, 1000)},{batch}\n");
        }
        var file = _project.Path($"in/batch{batch}.csv");
        _project.Write($"in/batch{batch}.csv", csv.ToString());
        return AppendAsync(file);
    }

    private async Task AppendAsync(string file)
    {
        await using var lake = new LakeSession();
        await lake.AppendFileAsync(_project.Path("lake/raw/events"), file);
    }
}
