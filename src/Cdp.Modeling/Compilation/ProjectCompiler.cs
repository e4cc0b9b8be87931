using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Graph;
using Cdp.Modeling.Project;
using Cdp.Modeling.Templating;

namespace Cdp.Modeling.Compilation;

/// <summary>
/// Turns a loaded project into a graph of compiled nodes, in the two passes dbt uses: a parse pass renders every file
/// to learn its <c>config()</c>, <c>ref()</c> and <c>source()</c> calls (with <c>execute</c> false), then, once the
/// graph is known and checked for cycles, a compile pass renders each node in dependency order with real relations,
/// inlining ephemeral models as CTEs. Every problem becomes a diagnostic; nothing stops at the first one.
/// </summary>
public sealed partial class ProjectCompiler(ITemplateEngine templates)
{
    public const string EphemeralPrefix = "__cdp_ephemeral__";

    public CompiledProject Compile(ModelingProject project, CompileOptions options, DiagnosticBag diagnostics)
    {
        var target = ResolveTarget(project, options.Target);
        var vars = new Dictionary<string, object?>(project.Vars, StringComparer.Ordinal);
        foreach (var (k, v) in options.Vars) vars[k] = v;

        var globals = new TemplateScope();
        foreach (var macroFile in project.Macros) globals.AddMacros(templates.Parse(macroFile.Path, macroFile.Text, diagnostics));
        var context = new CompileContext(project, target, options, vars, globals);

        var nodes = CreateNodes(project, diagnostics);
        foreach (var node in nodes.Where(n => n.Template is not null)) ParsePass(context, node);
        ApplyConfigs(nodes, target, diagnostics);
        nodes.RemoveAll(n => !n.IsEnabled);

        var byName = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var n in nodes.Where(n => n.Kind is NodeKind.Model or NodeKind.Seed)) byName.TryAdd(n.Name, n);
        var sources = nodes.Where(n => n.Kind == NodeKind.Source).ToDictionary(n => n.Name, StringComparer.Ordinal);
        context.ByName = byName;
        context.Sources = sources;

        foreach (var node in nodes.ToList())
        {
            foreach (var (name, _) in node.Refs)
            {
                if (byName.TryGetValue(name, out var parent) && !node.DependsOn.Contains(parent.UniqueId)) node.DependsOn.Add(parent.UniqueId);
            }
            foreach (var (source, table, _) in node.SourceRefs)
            {
                if (sources.TryGetValue(source + "." + table, out var parent) && !node.DependsOn.Contains(parent.UniqueId)) node.DependsOn.Add(parent.UniqueId);
            }
        }
        nodes.AddRange(GenericTestNodes(project, nodes, byName, sources));
        CheckRelationNames(nodes, diagnostics);

        var graph = new NodeGraph(nodes);
        context.NodeGraph = graph;
        foreach (var cycle in graph.FindCycles())
        {
            var first = graph[cycle[0]];
            var second = graph[cycle[1]];
            var location = first.File is null ? null : FindText(first.File, second.Name);
            var path = string.Join(" -> ", cycle.Select(id => graph[id].Name));
            diagnostics.Add(Diagnostic.Error($"models form a cycle: {path} (each selects from the next with ref())", location)
                .WithSourceFrom(first.File?.Text ?? ""));
        }

        foreach (var node in graph.TopologicalOrder()) CompilePass(context, node, diagnostics);
        DescribeNodes(context, nodes, diagnostics);

        return new CompiledProject { Project = project, Target = target, Options = options, Graph = graph, Diagnostics = diagnostics.Items };
    }

    private static TargetDefinition ResolveTarget(ModelingProject project, string? name)
    {
        name ??= project.DefaultTarget;
        if (project.Targets.TryGetValue(name, out var target)) return target;
        if (project.Targets.Count == 0 && name == "dev") return new TargetDefinition("dev");
        throw new ModelingException($"Unknown target '{name}' in {project.ProjectFile}; targets: {string.Join(", ", project.Targets.Keys.Order(StringComparer.Ordinal))}.");
    }

    private List<Node> CreateNodes(ModelingProject project, DiagnosticBag diagnostics)
    {
        var nodes = new List<Node>();
        // Folder configs first, then the property file's config (config() calls come in the parse pass).
        Node Resource(NodeKind kind, ProjectFile file, FolderConfigs configs, IReadOnlyDictionary<string, NodeProperties> properties)
        {
            var node = new Node { UniqueId = $"{kind.ToString().ToLowerInvariant()}.{project.Name}.{file.Name}", Name = file.Name, Kind = kind, Path = file.Path, File = file };
            ConfigMerge.Into(node.Config, configs.Resolve(file.FolderPath));
            if (properties.TryGetValue(file.Name, out var props))
            {
                node.Properties = props;
                ConfigMerge.Into(node.Config, props.Config);
            }
            return node;
        }

        foreach (var file in project.Models)
        {
            var node = Resource(NodeKind.Model, file, project.ModelConfigs, project.ModelProperties);
            node.Template = templates.Parse(file.Path, file.Text, diagnostics);
            nodes.Add(node);
        }
        nodes.AddRange(project.Seeds.Select(file => Resource(NodeKind.Seed, file, project.SeedConfigs, project.SeedProperties)));
        foreach (var file in project.Analyses)
        {
            nodes.Add(new Node { UniqueId = $"analysis.{project.Name}.{file.Name}", Name = file.Name, Kind = NodeKind.Analysis, Path = file.Path, File = file,
                Template = templates.Parse(file.Path, file.Text, diagnostics) });
        }
        foreach (var file in project.Tests)
        {
            var node = new Node { UniqueId = $"test.{project.Name}.{file.Name}", Name = file.Name, Kind = NodeKind.Test, Path = file.Path, File = file,
                Template = templates.Parse(file.Path, file.Text, diagnostics) };
            ConfigMerge.Into(node.Config, project.TestConfigs.Resolve(file.FolderPath));
            nodes.Add(node);
        }
        foreach (var source in project.Sources)
        {
            foreach (var table in source.Tables)
            {
                var node = new Node
                {
                    UniqueId = $"source.{project.Name}.{source.Name}.{table.Name}", Name = $"{source.Name}.{table.Name}", Kind = NodeKind.Source,
                    Path = table.Location.File, SourceTable = table, Schema = source.Schema, Alias = table.Identifier, Description = table.Description,
                };
                nodes.Add(node);
            }
        }
        return nodes;
    }

    /// <summary>The parse pass: learns config(), ref() and source() calls. Its diagnostics are dropped: the compile pass reports them.</summary>
    private static void ParsePass(CompileContext context, Node node)
    {
        var scope = context.BaseScope(node, execute: false);
        scope.SetFunction("ref", args =>
        {
            var name = RefName(args);
            node.Refs.Add((name, node.File is null ? null : FindText(node.File, name)));
            return new Relation("main", name, Materializations.Table);
        });
        scope.SetFunction("source", args =>
        {
            var source = args.GetString(0, "source_name", "source");
            var table = args.GetString(1, "table_name", "source");
            node.SourceRefs.Add((source, table, null));
            return new Relation(source, table, "source");
        });
        scope.SetFunction("config", args =>
        {
            var values = new Dictionary<string, object?>(args.Named, StringComparer.Ordinal);
            if (args.Positional.Count > 0 && args.Positional[0] is IReadOnlyDictionary<string, object?> dict)
            {
                foreach (var (k, v) in dict) values[k] = v;
            }
            ConfigMerge.Into(node.Config, values);
            return "";
        });
        scope.Set("this", new Relation("main", node.Name, Materializations.Table));
        scope.SetFunction("is_incremental", _ => false);
        node.Template!.Render(scope, new DiagnosticBag());
    }

    private static void ApplyConfigs(List<Node> nodes, TargetDefinition target, DiagnosticBag diagnostics)
    {
        foreach (var node in nodes.Where(n => n.Kind != NodeKind.Source))
        {
            node.Schema = node.Config.GetValueOrDefault("schema") is string schema && schema.Length > 0 ? schema : target.Schema;
            node.Alias = node.Config.GetValueOrDefault("alias") is string alias && alias.Length > 0 ? alias : node.Name;
            if (node.Kind != NodeKind.Model) continue;
            var where = new SourceLocation(node.Path!, 1, 1);
            if (!Materializations.ForModels.Contains(node.Materialized))
            {
                diagnostics.Add(Diagnostic.Error($"model '{node.Name}' has unknown materialization '{node.Materialized}'; use view, table, incremental or ephemeral", where));
                continue;
            }
            if (node.Materialized != Materializations.Incremental) continue;
            var strategy = IncrementalStrategy(node);
            if (strategy is not ("append" or "merge" or "delete+insert"))
                diagnostics.Add(Diagnostic.Error($"model '{node.Name}' has unknown incremental_strategy '{strategy}'; use append, merge or delete+insert", where));
            else if (strategy != "append" && UniqueKey(node).Count == 0)
                diagnostics.Add(Diagnostic.Error($"model '{node.Name}' uses incremental_strategy '{strategy}', which needs a unique_key", where));
        }
    }

    /// <summary>The incremental strategy: configured, else merge when a unique_key is set, else append.</summary>
    public static string IncrementalStrategy(Node node)
        => node.Config.GetValueOrDefault("incremental_strategy") as string ?? (UniqueKey(node).Count > 0 ? "merge" : "append");

    /// <summary>The unique_key config as a list of column names (a string, a comma list or a YAML list).</summary>
    public static IReadOnlyList<string> UniqueKey(Node node)
        => ConfigMerge.AsList(node.Config.GetValueOrDefault("unique_key")).OfType<string>()
            .SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    /// <summary>The partition_by config as a list of column names.</summary>
    public static IReadOnlyList<string> PartitionBy(Node node)
        => ConfigMerge.AsList(node.Config.GetValueOrDefault("partition_by")).OfType<string>()
            .SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static void CheckRelationNames(List<Node> nodes, DiagnosticBag diagnostics)
    {
        foreach (var group in nodes.Where(n => n.Kind is NodeKind.Model or NodeKind.Seed && n.Materialized != Materializations.Ephemeral)
                     .GroupBy(n => (n.Schema.ToLowerInvariant(), n.Alias.ToLowerInvariant())).Where(g => g.Count() > 1))
        {
            var list = group.OrderBy(n => n.Path, StringComparer.Ordinal).ToList();
            foreach (var n in list.Skip(1))
            {
                diagnostics.Add(Diagnostic.Error($"'{n.Name}' and '{list[0].Name}' ({list[0].Path}) both write the relation {n.RelationName}; give one another alias or schema",
                    new SourceLocation(n.Path!, 1, 1)));
            }
        }
    }

    private static List<Node> GenericTestNodes(ModelingProject project, List<Node> nodes, Dictionary<string, Node> byName, Dictionary<string, Node> sources)
    {
        var tests = new List<Node>();
        var usedNames = new HashSet<string>(nodes.Where(n => n.Kind == NodeKind.Test).Select(n => n.Name), StringComparer.Ordinal);

        void Add(Node attached, string? column, TestDeclaration declaration)
        {
            var arguments = declaration.Arguments;
            var baseName = declaration.Config.GetValueOrDefault("name") as string
                ?? string.Join("_", new[] { declaration.TestName.Replace('.', '_'), attached.Name.Replace('.', '_'), column }.Where(p => p is not null));
            if (arguments.Count > 0 && declaration.Config.GetValueOrDefault("name") is null) baseName += "__" + ShortHash(string.Join("|", arguments.Select(a => a.Key + "=" + Describe(a.Value))));
            var name = baseName;
            for (var i = 2; !usedNames.Add(name); i++) name = baseName + "_" + i.ToString(CultureInfo.InvariantCulture);

            var node = new Node
            {
                UniqueId = $"test.{project.Name}.{name}", Name = name, Kind = NodeKind.Test, Path = declaration.Location.File,
                Test = new GenericTestInfo(declaration.TestName, attached.UniqueId, column ?? arguments.GetValueOrDefault("column_name") as string, arguments, declaration.Location),
            };
            ConfigMerge.Into(node.Config, project.TestConfigs.Resolve(declaration.Location.File));
            ConfigMerge.Into(node.Config, declaration.Config);
            node.Schema = attached.Schema;
            node.Alias = name;
            node.DependsOn.Add(attached.UniqueId);
            if (arguments.GetValueOrDefault("to") is string to)
            {
                var parent = ResolveRelationArgument(to, byName, sources);
                if (parent is not null) node.DependsOn.Add(parent.UniqueId);
            }
            tests.Add(node);
        }

        foreach (var node in nodes.Where(n => n.Properties is not null))
        {
            foreach (var column in node.Properties!.Columns)
            {
                foreach (var test in column.Tests) Add(node, column.Name, test);
                node.ColumnDescriptions[column.Name] = column.Description;
            }
            foreach (var test in node.Properties.Tests) Add(node, null, test);
        }
        foreach (var node in nodes.Where(n => n.SourceTable is not null))
        {
            foreach (var column in node.SourceTable!.Columns)
            {
                foreach (var test in column.Tests) Add(node, column.Name, test);
                node.ColumnDescriptions[column.Name] = column.Description;
            }
            foreach (var test in node.SourceTable.Tests) Add(node, null, test);
        }
        return tests;
    }

    /// <summary>Reads <c>ref('x')</c> or <c>source('s', 't')</c> written as a string in YAML (a relationships test's <c>to</c>).</summary>
    private static Node? ResolveRelationArgument(string text, Dictionary<string, Node> byName, Dictionary<string, Node> sources)
    {
        var m = RelationArgument().Match(text);
        if (!m.Success) return null;
        return m.Groups["ref"].Success
            ? byName.GetValueOrDefault(m.Groups["ref"].Value)
            : sources.GetValueOrDefault(m.Groups["src"].Value + "." + m.Groups["tbl"].Value);
    }

    /// <summary>The compile pass for one node: renders it with real relations and inlines its ephemeral inputs.</summary>
    private void CompilePass(CompileContext context, Node node, DiagnosticBag diagnostics)
    {
        if (node.Kind == NodeKind.Source) return;
        if (node.Kind == NodeKind.Seed)
        {
            node.CompiledSql = SeedQuery.Query(context.Project.RootDirectory, node);
            return;
        }
        if (node.Test is { } generic)
        {
            CompileGenericTest(context, node, generic, diagnostics);
            return;
        }
        var ephemerals = new List<Node>();
        var scope = context.BaseScope(node, execute: true);
        scope.SetFunction("ref", args => context.Ref(node, RefName(args), ephemerals));
        scope.SetFunction("source", args => context.Source(args.GetString(0, "source_name", "source"), args.GetString(1, "table_name", "source")));
        scope.SetFunction("config", _ => "");
        scope.Set("this", new Relation(node.Schema, node.Alias, node.Materialized));
        var incremental = node.Materialized == Materializations.Incremental && context.Options.RelationExists(node)
                          && !(context.Options.FullRefresh && node.Config.GetValueOrDefault("full_refresh") is not false);
        node.IsIncrementalRun = incremental;
        scope.SetFunction("is_incremental", _ => incremental);

        var rendered = node.Template!.Render(scope, diagnostics);
        node.CompiledSql = CteInjector.Inject(CteInjector.TrimStatement(rendered), Ctes(ephemerals));
    }

    private void CompileGenericTest(CompileContext context, Node node, GenericTestInfo test, DiagnosticBag diagnostics)
    {
        var attached = context.Graph(test.AttachedNodeId);
        var ephemerals = new List<Node>();
        var model = GenericTests.Filtered(context.RelationOf(attached, ephemerals), node.Config.GetValueOrDefault("where"));
        try
        {
            string Resolve(object? to)
            {
                var parent = to is string s ? ResolveRelationArgument(s, context.ByName, context.Sources) : null;
                return parent is null
                    ? throw new TemplateException($"cannot resolve 'to: {to}': write ref('model') or source('source', 'table') naming an existing model, seed or source")
                    : context.RelationOf(parent, ephemerals);
            }

            string sql;
            if (context.Globals.TryGetMacro("test_" + test.TestName, out _))
                sql = CompileCustomTest(context, node, test, model, diagnostics);
            else
                sql = GenericTests.Compile(test.TestName, model, test.ColumnName, test.Arguments, Resolve);
            node.CompiledSql = CteInjector.Inject(sql, Ctes(ephemerals));
        }
        catch (TemplateException e)
        {
            diagnostics.Add(Diagnostic.Error(e.Message, test.Location).WithSourceFrom(context.FileText(test.Location.File)));
        }
    }

    /// <summary>A generic test defined by the project as a macro <c>test_&lt;name&gt;(model, column_name, ...)</c>.</summary>
    private string CompileCustomTest(CompileContext context, Node node, GenericTestInfo test, string model, DiagnosticBag diagnostics)
    {
        var call = new StringBuilder("{{ test_").Append(test.TestName).Append("(model=__cdp_model");
        if (test.ColumnName is not null) call.Append(", column_name=__cdp_column");
        foreach (var key in test.Arguments.Keys.Where(k => k != "column_name")) call.Append(", ").Append(key).Append("=__cdp_args['").Append(key).Append("']");
        call.Append(") }}");
        var template = templates.Parse(test.Location.File, call.ToString(), diagnostics);
        var scope = context.BaseScope(node, execute: true);
        scope.Set("__cdp_model", new RawSql(model));
        scope.Set("__cdp_column", test.ColumnName);
        scope.Set("__cdp_args", test.Arguments);
        scope.SetFunction("ref", args => context.Ref(node, RefName(args), []));
        scope.SetFunction("source", args => context.Source(args.GetString(0, "source_name", "source"), args.GetString(1, "table_name", "source")));
        return CteInjector.TrimStatement(template.Render(scope, diagnostics));
    }

    private void DescribeNodes(CompileContext context, List<Node> nodes, DiagnosticBag diagnostics)
    {
        var scope = new TemplateScope();
        scope.SetFunction("doc", args =>
        {
            var name = args.GetString(0, "name", "doc");
            return context.Project.Docs.TryGetValue(name, out var block)
                ? block.Text
                : throw new TemplateException($"unknown docs block '{name}'{NameSuggestions.Hint(name, context.Project.Docs.Keys)}");
        });
        string? Render(string? text, SourceLocation location)
        {
            if (text is null || !text.Contains("{{", StringComparison.Ordinal)) return text;
            var bag = new DiagnosticBag();
            var rendered = templates.Parse(location.File, text, bag).Render(scope, bag);
            // The description's own positions are relative to the YAML value: report at the property's location.
            foreach (var d in bag.Items) diagnostics.Add(d with { Location = location, SourceLine = null });
            return rendered;
        }

        foreach (var node in nodes)
        {
            var location = node.Properties?.Location ?? node.SourceTable?.Location;
            if (location is null) continue;
            node.Description = Render(node.Properties?.Description ?? node.Description, location);
            foreach (var column in node.ColumnDescriptions.Keys.ToList()) node.ColumnDescriptions[column] = Render(node.ColumnDescriptions[column], location);
        }
    }

    /// <summary>The CTEs inlining the ephemeral models a node read (each once, already compiled: the pass runs in DAG order).</summary>
    private static List<(string Name, string Sql)> Ctes(List<Node> ephemerals)
        => ephemerals.Distinct().Where(e => e.CompiledSql is not null).Select(e => (EphemeralPrefix + e.Name, e.CompiledSql!)).ToList();

    private static string RefName(TemplateArguments args)
    {
        // ref('model') or ref('package', 'model'); packages are this project.
        var last = args.Positional.Count >= 2 ? 1 : 0;
        return args.GetString(last, last == 1 ? "model_name" : "name", "ref");
    }

    private static SourceLocation FindText(ProjectFile file, string name)
    {
        var m = Regex.Match(file.Text, @"ref\s*\(\s*(?:'[^']*'\s*,\s*|""[^""]*""\s*,\s*)?['""]" + Regex.Escape(name) + @"['""]", RegexOptions.CultureInvariant);
        if (!m.Success) return new SourceLocation(file.Path, 1, 1);
        var before = file.Text.AsSpan(0, m.Index);
        var line = before.Count('\n') + 1;
        var column = m.Index - (before.LastIndexOf('\n') + 1) + 1;
        return new SourceLocation(file.Path, line, column);
    }

    private static string ShortHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10];

    private static string Describe(object? value) => value switch
    {
        null => "none",
        IReadOnlyList<object?> list => "[" + string.Join(",", list.Select(Describe)) + "]",
        IReadOnlyDictionary<string, object?> dict => "{" + string.Join(",", dict.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + Describe(kv.Value))) + "}",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    [GeneratedRegex(@"^\s*(?:ref\(\s*['""](?<ref>[^'""]+)['""]\s*\)|source\(\s*['""](?<src>[^'""]+)['""]\s*,\s*['""](?<tbl>[^'""]+)['""]\s*\))\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex RelationArgument();

    /// <summary>SQL text that renders as is (the tested relation handed to a custom test macro).</summary>
    private sealed class RawSql(string sql) : ITemplateObject
    {
        public bool TryGetAttribute(string name, out object? value)
        {
            value = null;
            return false;
        }

        public override string ToString() => sql;
    }
}
