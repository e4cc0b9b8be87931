using System.Globalization;
using Cdp.Engine;
using Cdp.Modeling.Graph;
using Cdp.Modeling.Project;
using Cdp.Modeling.Templating;

namespace Cdp.Modeling.Compilation;

/// <summary>What every render of one compile shares: the names dbt puts in a template's context, and node lookups.</summary>
internal sealed class CompileContext(ModelingProject project, TargetDefinition target, CompileOptions options, IReadOnlyDictionary<string, object?> vars, TemplateScope globals)
{
    public ModelingProject Project { get; } = project;

    public CompileOptions Options { get; } = options;

    public TemplateScope Globals { get; } = globals;

    public Dictionary<string, Node> ByName { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, Node> Sources { get; set; } = new(StringComparer.Ordinal);

    public NodeGraph? NodeGraph { get; set; }

    public Node Graph(string uniqueId) => NodeGraph![uniqueId];

    public string FileText(string path)
    {
        var full = Path.Combine(Project.RootDirectory, path);
        return File.Exists(full) ? File.ReadAllText(full) : "";
    }

    /// <summary>The names every template sees, for <paramref name="node"/>.</summary>
    public TemplateScope BaseScope(Node node, bool execute)
    {
        var scope = Globals.Clone();
        scope.SetFunction("var", args =>
        {
            var name = args.GetString(0, "name", "var");
            if (vars.TryGetValue(name, out var value)) return value;
            if (args.Has(1, "default")) return args.Get(1, "default");
            throw new TemplateException($"var '{name}' is not defined: set it under vars: in {Project.ProjectFile}, pass --vars '{{{name}: ...}}', or give a default");
        });
        scope.SetFunction("env_var", args =>
        {
            var name = args.GetString(0, "name", "env_var");
            var value = Options.EnvironmentVariable(name);
            if (value is not null) return value;
            if (args.Has(1, "default")) return args.Get(1, "default");
            throw new TemplateException($"environment variable '{name}' is not set and env_var() was given no default");
        });
        scope.Set("target", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = target.Name,
            ["schema"] = target.Schema,
            ["type"] = "duckdb",
            ["database"] = "memory",
            ["threads"] = (long)(target.Threads ?? Environment.ProcessorCount),
            ["profile_name"] = Project.Name,
        });
        scope.Set("project_name", Project.Name);
        scope.Set("run_started_at", new Timestamp(Options.RunStartedAt));
        scope.Set("invocation_id", Options.InvocationId);
        scope.Set("execute", execute);
        scope.Set("flags", new Dictionary<string, object?>(StringComparer.Ordinal) { ["FULL_REFRESH"] = Options.FullRefresh });
        scope.Set("model", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = node.Name,
            ["unique_id"] = node.UniqueId,
            ["resource_type"] = node.Kind.ToString().ToLowerInvariant(),
            ["path"] = node.Path,
        });
        scope.SetFunction("log", _ => "");
        scope.Set("exceptions", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["raise_compiler_error"] = (TemplateFunction)(args => throw new TemplateException(Convert.ToString(args.Get(0, "msg"), CultureInfo.InvariantCulture) ?? "compiler error")),
            ["warn"] = (TemplateFunction)(_ => ""),
        });
        scope.Set("adapter", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["quote"] = (TemplateFunction)(args => Sql.Identifier(args.GetString(0, "identifier", "adapter.quote"))),
            ["type"] = (TemplateFunction)(_ => "duckdb"),
        });
        return scope;
    }

    /// <summary>ref(name) in the compile pass: the relation, or a CTE name for an ephemeral model (recorded in <paramref name="ephemerals"/>).</summary>
    public Relation Ref(Node from, string name, List<Node> ephemerals)
    {
        if (!ByName.TryGetValue(name, out var target))
        {
            var disabled = Project.Models.Any(m => m.Name == name) || Project.Seeds.Any(s => s.Name == name);
            throw new TemplateException(disabled
                ? $"'{from.Name}' refers to model '{name}', which is disabled"
                : $"'{from.Name}' refers to unknown model '{name}'{NameSuggestions.Hint(name, ByName.Keys)}");
        }
        if (!from.DependsOn.Contains(target.UniqueId)) from.DependsOn.Add(target.UniqueId);
        return RelationFor(target, ephemerals);
    }

    public Relation Source(string source, string table)
    {
        var key = source + "." + table;
        return Sources.TryGetValue(key, out var node)
            ? new Relation(node.Schema, node.Alias, "source")
            : throw new TemplateException($"unknown source '{key}'{NameSuggestions.Hint(key, Sources.Keys)}: declare it under sources: in a property file");
    }

    /// <summary>A node's relation as SQL text.</summary>
    public string RelationOf(Node node, List<Node> ephemerals) => RelationFor(node, ephemerals).ToString();

    private static Relation RelationFor(Node node, List<Node> ephemerals)
    {
        if (node.Materialized != Materializations.Ephemeral) return new Relation(node.Schema, node.Alias, node.Materialized);
        ephemerals.Add(node);
        return new Relation(node.Schema, node.Alias, Materializations.Ephemeral, ProjectCompiler.EphemeralPrefix + node.Name);
    }

    /// <summary><c>run_started_at</c>: renders like Python's datetime with a UTC offset; <c>strftime</c> and <c>isoformat</c> work.</summary>
    private sealed class Timestamp(DateTimeOffset value) : ITemplateObject
    {
        public bool TryGetAttribute(string name, out object? result)
        {
            result = name switch
            {
                "isoformat" => (TemplateFunction)(_ => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture)),
                "strftime" => (TemplateFunction)(args => Strftime(value.UtcDateTime, args.GetString(0, "format", "strftime"))),
                "year" => (long)value.UtcDateTime.Year,
                "month" => (long)value.UtcDateTime.Month,
                "day" => (long)value.UtcDateTime.Day,
                _ => null,
            };
            return result is not null;
        }

        public override string ToString() => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

        private static string Strftime(DateTime t, string format)
        {
            var sb = new System.Text.StringBuilder();
            for (var i = 0; i < format.Length; i++)
            {
                if (format[i] != '%' || i + 1 == format.Length)
                {
                    sb.Append(format[i]);
                    continue;
                }
                var c = format[++i];
                sb.Append(c switch
                {
                    'Y' => t.ToString("yyyy", CultureInfo.InvariantCulture),
                    'm' => t.ToString("MM", CultureInfo.InvariantCulture),
                    'd' => t.ToString("dd", CultureInfo.InvariantCulture),
                    'H' => t.ToString("HH", CultureInfo.InvariantCulture),
                    'M' => t.ToString("mm", CultureInfo.InvariantCulture),
                    'S' => t.ToString("ss", CultureInfo.InvariantCulture),
                    'f' => t.ToString("ffffff", CultureInfo.InvariantCulture),
                    '%' => "%",
                    _ => "%" + c,
                });
            }
            return sb.ToString();
        }
    }
}
