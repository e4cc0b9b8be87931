using Cdp.Audiences.Definitions;

namespace Cdp.Audiences.Compilation;

/// <summary>
/// An audience compiled against a schema: <see cref="Predicate"/> is a SQL boolean over one row of the profile
/// relation aliased <c>p</c> (never NULL); <see cref="DefinitionHash"/> identifies the definition and its SQL.
/// </summary>
public sealed record CompiledAudience(AudienceDefinition Definition, string Predicate, string DefinitionHash)
{
    public string Name => Definition.Name;
}

/// <summary>
/// The result of compiling a set of audiences: the audiences that compiled, every error found, and the audiences
/// skipped because a column they require is missing (with the reason).
/// </summary>
public sealed record AudienceCompilation(IReadOnlyList<CompiledAudience> Audiences, IReadOnlyList<string> Errors)
{
    public IReadOnlyList<string> Skipped { get; init; } = [];

    public bool Succeeded => Errors.Count == 0;

    /// <exception cref="AudienceException">When there were errors.</exception>
    public IReadOnlyList<CompiledAudience> OrThrow() => Errors.Count == 0 ? Audiences : throw new AudienceException(Errors);
}
