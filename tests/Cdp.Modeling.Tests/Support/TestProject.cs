using Cdp.Engine;
using Cdp.Lake;
using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Execution;
using Cdp.Modeling.Templating;
using Cdp.Testing;

namespace Cdp.Modeling.Tests.Support;

/// <summary>A modeling project written into a temp folder, with its lake beside it, run in this process.</summary>
public sealed class TestProject : IDisposable
{
    private readonly TempDirectory _dir = new("modeling");

    public TestProject(string? projectFile = null)
    {
        Write("cdp.yml", projectFile ?? "name: shop\nlake: ./lake\n");
    }

    public string Root => _dir.Path;

    public string Lake => _dir.Combine("lake");

    public string Path(string relative) => _dir.Combine(relative.Split('/'));

    public TestProject Write(string relative, string text)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return this;
    }

    public static ModelingWorkflow Workflow() => new(new JinjaTemplateEngine());

    public ModelingRequest Request(params string[] select) => new() { ProjectDirectory = Root, Select = select };

    public async Task<RunOutcome> RunAsync(RunMode mode, ModelingRequest? request = null, CancellationToken cancellationToken = default)
    {
        await using var lake = new LakeSession();
        return await Workflow().RunAsync(lake, request ?? Request(), mode, cancellationToken);
    }

    public Task<RunOutcome> BuildAsync(params string[] select) => RunAsync(RunMode.Build, Request(select));

    public async Task<CompileOutcome> CompileAsync(ModelingRequest? request = null)
    {
        await using var lake = new LakeSession();
        return await Workflow().CompileAsync(lake, request ?? Request());
    }

    /// <summary>The diagnostics report of a compile expected to fail.</summary>
    public async Task<string> CompileErrorsAsync()
    {
        var e = await Assert.ThrowsAsync<ModelingException>(() => CompileAsync());
        return e.Report();
    }

    /// <summary>Runs SQL over the lake as <c>cdp sql</c> sees it (tables, stored views, unqualified names).</summary>
    public async Task<QueryResult> QueryAsync(string sql)
    {
        await using var lake = new LakeSession();
        await lake.RegisterLakeAsync(Lake);
        return await lake.Engine.QueryAsync(sql);
    }

    /// <summary>The rows of a query as sorted text lines, for order-insensitive comparison.</summary>
    public async Task<IReadOnlyList<string>> RowsAsync(string sql) => Lines(await QueryAsync(sql));

    public static IReadOnlyList<string> Lines(QueryResult result)
        => result.Rows.Select(r => string.Join("|", r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "NULL")))
            .Order(StringComparer.Ordinal).ToList();

    public void Dispose() => _dir.Dispose();
}
