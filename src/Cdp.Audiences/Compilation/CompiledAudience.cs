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

    /// <summary>The set's arbitration rules, each with its <c>when</c> compiled (in declaration order).</summary>
    public IReadOnlyList<CompiledArbitration> Arbitration { get; init; } = [];

    public bool Succeeded => Errors.Count == 0;

    /// <exception cref="AudienceException">When there were errors.</exception>
    public IReadOnlyList<CompiledAudience> OrThrow() => Errors.Count == 0 ? Audiences : throw new AudienceException(Errors);
}

/// <summary>
/// An arbitration rule compiled against the schema: <see cref="Predicate"/> is its <c>when</c> as a SQL boolean over
/// the profile row <c>p</c> (never NULL; TRUE without a <c>when</c>).
/// </summary>
public sealed record CompiledArbitration(ArbitrationRule Rule, string Predicate)
{
    /// <summary>The rules that can change an audience's flags: both of their channels are among the audience's.</summary>
    public static IEnumerable<CompiledArbitration> Applying(IEnumerable<CompiledArbitration> rules, AudienceDefinition audience)
        => rules.Where(r => audience.Channels.Contains(r.Rule.Channel) && audience.Channels.Contains(r.Rule.SkipWhenContactable));
}
