namespace Cdp.Modeling.Project;

/// <summary>
/// Reads the generic tests listed under <c>tests:</c>/<c>data_tests:</c> of a model, seed, column or source table:
/// <c>- unique</c>, <c>- accepted_values: {values: [...], severity: warn}</c>, <c>- relationships: {to: ref('x'),
/// field: id, config: {where: ...}}</c> and dbt 1.10's <c>- accepted_values: {arguments: {values: [...]}}</c>.
/// Test configs written beside the arguments are moved into <see cref="TestDeclaration.Config"/>.
/// </summary>
internal static class TestDeclarationReader
{
    /// <summary>Keys beside the arguments that are test configs, not arguments.</summary>
    private static readonly HashSet<string> ConfigKeys = new(StringComparer.Ordinal)
    {
        "severity", "where", "warn_if", "error_if", "limit", "store_failures", "store_failures_as", "tags", "name",
        "enabled", "meta", "fail_calc",
    };

    /// <summary>The tests of both <c>tests</c> and <c>data_tests</c> of <paramref name="owner"/>, in that order.</summary>
    public static List<TestDeclaration> ReadAll(YamlFile file, YamlMapping owner)
    {
        var tests = new List<TestDeclaration>();
        foreach (var key in (string[])["tests", "data_tests"])
        {
            if (owner[key] is not { } node || file.ExpectList(node, $"'{key}'") is not { } list) continue;
            foreach (var item in list.Items)
            {
                if (Read(file, item) is { } test) tests.Add(test);
            }
        }
        return tests;
    }

    private static TestDeclaration? Read(YamlFile file, YamlNode item)
    {
        var location = file.Location(item);
        if (item is YamlScalar)
        {
            return file.ExpectString(item, "a test") is { Length: > 0 } name
                ? new TestDeclaration(name, new Dictionary<string, object?>(StringComparer.Ordinal), new Dictionary<string, object?>(StringComparer.Ordinal), location)
                : null;
        }
        if (item is not YamlMapping { Entries.Count: 1 } mapping)
        {
            file.Error(item, "a test must be a test name or a mapping with one key, the test name");
            return null;
        }
        var (nameNode, body) = mapping.Entries[0];
        var testName = nameNode.Text;
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        var config = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (YamlFile.IsNull(body)) return new TestDeclaration(testName, arguments, config, location);
        if (file.ExpectMapping(body, $"the arguments of test '{testName}'") is not { } fields) return null;

        YamlMapping? explicitConfig = null;
        foreach (var (keyNode, value) in fields.Entries)
        {
            var key = keyNode.Text;
            switch (key)
            {
                case "config":
                    explicitConfig = YamlFile.IsNull(value) ? null : file.ExpectMapping(value, "a test's 'config'");
                    break;
                case "arguments":
                    if (!YamlFile.IsNull(value) && file.ExpectMapping(value, "a test's 'arguments'") is { } args)
                    {
                        foreach (var (argKey, argValue) in args.Entries) arguments[argKey.Text] = YamlValues.ToValue(argValue);
                    }
                    break;
                case "description":
                    break; // a property of the test, not an argument of its macro
                default:
                    if (ConfigKeys.Contains(key)) config[key] = FolderConfigReader.NormalizeConfig(key, YamlValues.ToValue(value));
                    else arguments[key] = YamlValues.ToValue(value);
                    break;
            }
        }
        if (explicitConfig is not null)
        {
            foreach (var (key, value) in FolderConfigReader.ReadConfigBlock(explicitConfig)) config[key] = value;
        }
        return new TestDeclaration(testName, arguments, config, location);
    }
}
