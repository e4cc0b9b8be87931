using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Project;

namespace Cdp.Cli.Commands;

/// <summary>The project file (cdp.yml) as the commands load it: every problem at once, or the project.</summary>
public static class ProjectFile
{
    /// <exception cref="ModelingException">The project has errors; the message counts them and the diagnostics list them.</exception>
    public static ModelingProject Load(string projectDir)
    {
        var diagnostics = new DiagnosticBag();
        var project = ProjectLoader.Load(projectDir, diagnostics);
        diagnostics.ThrowIfErrors($"The project in '{projectDir}' has {diagnostics.ErrorCount} error(s).");
        return project;
    }

    /// <summary>The project and the lake its commands act on: <paramref name="lake"/> when given, else the project's.</summary>
    public static (ModelingProject Project, string LakeUri) LoadWithLake(string projectDir, string? lake)
    {
        var project = Load(projectDir);
        return (project, project.ResolveLake(LakeArgument.Resolve(lake), null));
    }
}
