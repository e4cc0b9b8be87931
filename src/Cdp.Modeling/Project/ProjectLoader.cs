using Cdp.Modeling.Diagnostics;

namespace Cdp.Modeling.Project;

/// <summary>
/// Loads a project folder into a <see cref="ModelingProject"/>: the project file (our <c>cdp.yml</c>, else a dbt
/// <c>dbt_project.yml</c>), the model, seed, macro, test and analysis files, the YAML property files and the docs
/// blocks. Problems are reported to the <see cref="DiagnosticBag"/> and loading goes on, so that every problem of a
/// project is reported at once; only a folder without a project file throws.
/// </summary>
public static class ProjectLoader
{
    /// <summary>Our project file's name.</summary>
    public const string CdpProjectFileName = "cdp.yml";

    /// <summary>dbt's project file's name, read when there is no <c>cdp.yml</c>.</summary>
    public const string DbtProjectFileName = "dbt_project.yml";

    /// <summary>Files at the root of a dbt project that are not property files even when a resource path is the root.</summary>
    private static readonly HashSet<string> NonPropertyFiles = new(StringComparer.Ordinal)
    {
        CdpProjectFileName, DbtProjectFileName, "profiles.yml", "packages.yml", "dependencies.yml", "selectors.yml",
    };

    /// <exception cref="ModelingException">The folder has neither a cdp.yml nor a dbt_project.yml.</exception>
    public static ModelingProject Load(string projectDirectory, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(projectDirectory);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var root = Path.GetFullPath(projectDirectory);
        var projectFileName = File.Exists(Path.Combine(root, CdpProjectFileName)) ? CdpProjectFileName
            : File.Exists(Path.Combine(root, DbtProjectFileName)) ? DbtProjectFileName
            : throw new ModelingException($"no project file in '{root}': expected {CdpProjectFileName} or {DbtProjectFileName}");

        var projectYaml = YamlFile.Parse(projectFileName, File.ReadAllText(Path.Combine(root, projectFileName)), diagnostics);
        var settings = projectFileName == CdpProjectFileName
            ? CdpProjectFileReader.Read(projectYaml, root)
            : DbtProjectMapper.Read(projectYaml, root);

        var models = ProjectFileScanner.Scan(root, settings.ModelPaths, [".sql"], readText: true);
        var seeds = ProjectFileScanner.Scan(root, settings.SeedPaths, [".csv"], readText: false);
        CheckDuplicateNames(models, seeds, diagnostics);

        var properties = new PropertyFileReader(NameSet(models), NameSet(seeds));
        var propertyPaths = settings.ModelPaths.Concat(settings.SeedPaths).Concat(settings.AnalysisPaths);
        foreach (var file in ProjectFileScanner.Scan(root, propertyPaths, [".yml", ".yaml"], readText: true))
        {
            if (!file.Path.Contains('/', StringComparison.Ordinal) && NonPropertyFiles.Contains(file.Path)) continue;
            properties.Read(YamlFile.Parse(file.Path, file.Text, diagnostics));
        }

        var docs = new Dictionary<string, DocsBlock>(StringComparer.Ordinal);
        foreach (var file in ProjectFileScanner.Scan(root, settings.ModelPaths.Concat(settings.DocsPaths), [".md"], readText: true))
        {
            DocsBlockReader.Read(file, docs, diagnostics);
        }

        return new ModelingProject
        {
            RootDirectory = root,
            Name = settings.Name,
            ProjectFile = projectFileName,
            Lake = settings.Lake,
            TargetPath = Path.GetFullPath(Path.Combine(root, settings.TargetPath)),
            Targets = settings.Targets,
            DefaultTarget = settings.DefaultTarget,
            Vars = settings.Vars,
            ModelConfigs = settings.ModelConfigs,
            SeedConfigs = settings.SeedConfigs,
            TestConfigs = settings.TestConfigs,
            Models = models,
            Seeds = seeds,
            Macros = ProjectFileScanner.Scan(root, settings.MacroPaths, [".sql"], readText: true),
            Tests = ProjectFileScanner.Scan(root, settings.TestPaths, [".sql"], readText: true),
            Analyses = ProjectFileScanner.Scan(root, settings.AnalysisPaths, [".sql"], readText: true),
            ModelProperties = properties.Models,
            SeedProperties = properties.Seeds,
            Sources = properties.Sources,
            Docs = docs,
            Sections = settings.Sections,
        };
    }

    private static HashSet<string> NameSet(IEnumerable<ProjectFile> files) => files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>Models and seeds share one namespace (<c>ref('x')</c>): a name used by two files is an error at each.</summary>
    private static void CheckDuplicateNames(IReadOnlyList<ProjectFile> models, IReadOnlyList<ProjectFile> seeds, DiagnosticBag diagnostics)
    {
        var all = models.Select(f => (File: f, Kind: "model")).Concat(seeds.Select(f => (File: f, Kind: "seed")));
        foreach (var group in all.GroupBy(x => x.File.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var kinds = group.Select(x => x.Kind).Distinct().ToList();
            var kind = kinds.Count == 1 ? kinds[0] : string.Join(" and ", kinds);
            var message = $"duplicate {kind} name '{group.Key}': {string.Join(" and ", group.Select(x => x.File.Path))}";
            foreach (var (file, _) in group)
            {
                var diagnostic = Diagnostic.Error(message, new SourceLocation(file.Path, 1, 1));
                diagnostics.Add(file.Text.Length > 0 ? diagnostic.WithSourceFrom(file.Text) : diagnostic);
            }
        }
    }
}
