using System.Globalization;

namespace Cdp.Ml.Registry;

/// <summary>The user-facing errors of the model registry, built in one place: what is wrong, with which model and version, and what to do.</summary>
internal static class RegistryErrors
{
    public static ModelRegistryException UnknownModel(string location, string modelName, IReadOnlyList<(string Name, IReadOnlyList<long> Versions)> models)
        => new(models.Count == 0
            ? $"The model registry '{location}' holds no models yet, so it has no model '{modelName}'. Register one first."
            : $"The model registry '{location}' has no model '{modelName}'. Registered models: "
              + string.Join(", ", models.Select(m => $"{m.Name} ({Versions(m.Versions)})")) + ".");

    public static ModelRegistryException UnknownVersion(string location, string modelName, long version, IReadOnlyList<long> versions)
        => new(Text($"Model '{modelName}' has no version {version} in the model registry '{location}'; it has {Versions(versions)} (latest {versions[^1]})."));

    public static ModelRegistryException ArtifactCorrupt(string location, string modelName, long version, string recorded, string actual)
        => new(Text($"The artifact of model '{modelName}' version {version} in the model registry '{location}' does not match its recorded SHA-256 ")
            + $"(recorded {recorded}, stored bytes hash to {actual}): it was changed or damaged after registration. "
            + "Do not use it; register the model again from its training run (it becomes a new version).");

    public static ModelRegistryException MalformedRow(string location, string modelName, long version, string column, string problem, Exception? inner = null)
        => new(Text($"Model '{modelName}' version {version} in the model registry '{location}' has a malformed {column}: {problem}. ")
            + "The row was not written by ModelRegistry; register the model again.", inner);

    public static ModelRegistryException TooManyRaces(string location, string modelName, int attempts)
        => new(Text($"Registering model '{modelName}' in '{location}' lost the race for the next version number {attempts} times in a row ")
            + "(other registrations of the same model kept landing first). Nothing was registered; try again.");

    public static InvalidOperationException DuplicateVersion(string location, string modelName, long version)
        => new(Text($"Bug: the model registry '{location}' holds model '{modelName}' version {version} more than once; versions are meant to be unique per model."));

    public static ArgumentException InvalidDescription(string field, string problem)
        => new($"The model description's {field} {problem}.", "description");

    /// <summary>"version 1", "versions 1-3", "versions 1-3, 5".</summary>
    private static string Versions(IReadOnlyList<long> versions)
    {
        var ranges = new List<string>();
        for (var i = 0; i < versions.Count;)
        {
            var j = i;
            while (j + 1 < versions.Count && versions[j + 1] == versions[j] + 1) j++;
            ranges.Add(j == i ? Text($"{versions[i]}") : Text($"{versions[i]}-{versions[j]}"));
            i = j + 1;
        }
        return (versions.Count == 1 ? "version " : "versions ") + string.Join(", ", ranges);
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
