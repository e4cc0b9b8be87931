using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Templating;

namespace Cdp.Modeling.Tests.Templating;

/// <summary>The globals the template tests render with, and helpers to parse and render.</summary>
internal static class TemplateFixture
{
    public static readonly JinjaTemplateEngine TemplateEngine = new();

    public static TemplateScope Globals()
    {
        var scope = new TemplateScope();
        scope.Set("columns", new List<object?> { "id", "name", "email" });
        scope.Set("model", new Dictionary<string, object?>
        {
            ["name"] = "customers",
            ["config"] = new Dictionary<string, object?> { ["materialized"] = "table" },
        });
        scope.Set("this", new Relation("lake", "analytics", "customers"));
        scope.SetFunction("ref", args => "lake.analytics." + args.GetString(0, "name", "ref"));
        scope.SetFunction("config", _ => "");
        scope.SetFunction("is_incremental", _ => true);
        scope.SetFunction("var", args => args.Get(1, "default") ?? throw new TemplateException($"var '{args.GetString(0, "name", "var")}' is not set"));
        scope.SetFunction("fail", args => throw new TemplateException("fail() was called: " + args.GetString(0, "message", "fail")));
        scope.SetFunction("crash", _ => throw new InvalidOperationException("boom"));
        return scope;
    }

    public static (string Output, IReadOnlyList<Diagnostic> Diagnostics) Render(string text, string path = "models/m.sql", TemplateScope? globals = null)
    {
        var bag = new DiagnosticBag();
        var template = TemplateEngine.Parse(path, text, bag);
        var output = template.Render(globals ?? Globals(), bag);
        return (output, bag.Items);
    }

    /// <summary>Just the first line of each diagnostic: <c>file:line:column: error: message</c>.</summary>
    public static List<string> Headlines(IEnumerable<Diagnostic> diagnostics) => diagnostics.Select(d => d.ToString().Split('\n')[0]).ToList();

    public static List<string> ParseErrors(string text, string path = "models/m.sql")
    {
        var bag = new DiagnosticBag();
        TemplateEngine.Parse(path, text, bag);
        return Headlines(bag.Items);
    }

    public static List<string> RenderErrors(string text, string path = "models/m.sql", TemplateScope? globals = null)
        => Headlines(Render(text, path, globals).Diagnostics);

    private sealed class Relation(string database, string schema, string identifier) : ITemplateObject
    {
        public bool TryGetAttribute(string name, out object? value)
        {
            value = name switch
            {
                "database" => database,
                "schema" => schema,
                "identifier" or "name" => identifier,
                _ => null,
            };
            return value is not null;
        }

        public override string ToString() => $"{database}.{schema}.{identifier}";
    }
}
