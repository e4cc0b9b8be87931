using Cdp.Activation.Configuration;
using Cdp.Activation.Planning;
using Cdp.Audiences.Definitions;
using Cdp.Audiences.Membership;
using Cdp.Cli.Commands;
using Cdp.Engine;

namespace Cdp.Cli.Sync;

/// <summary>A user-facing failure of a sync (unknown name, missing secret, nothing built): printed as is, nothing sent.</summary>
internal sealed class SyncException(string message) : Exception(message);

/// <summary>What a sync needs from cdp.yml: the lake, the audiences and the destinations.</summary>
internal sealed record SyncProject(string RootDirectory, string LakeUri, AudienceSet Audiences, DestinationSet Destinations)
{
    /// <exception cref="Cdp.Audiences.AudienceException">The audiences section has errors.</exception>
    /// <exception cref="DestinationConfigException">The destinations section has errors, each with its YAML path.</exception>
    public static SyncProject Load(string projectDir, string? lake)
    {
        var (project, lakeUri) = ProjectFile.LoadWithLake(projectDir, lake);
        var audiences = AudienceConfig.Read(project.Sections.GetValueOrDefault("audiences") as IReadOnlyDictionary<string, object?>);
        var channels = audiences.Audiences.ToDictionary(a => a.Name,
            a => (IReadOnlyCollection<string>)a.Channels.Select(c => c.ToString().ToLowerInvariant()).ToList(), StringComparer.Ordinal);
        var section = project.Sections.GetValueOrDefault("destinations");
        if (section is not null and not IReadOnlyDictionary<string, object?>)
            throw new DestinationConfigException("cdp.yml: destinations: expected a mapping of destination name to its settings");
        var destinations = DestinationConfig.Read(section as IReadOnlyDictionary<string, object?>, channels, project.RootDirectory);
        return new SyncProject(project.RootDirectory, lakeUri, audiences, destinations);
    }

    /// <summary>
    /// Every (destination, audience) pair of the named destinations (all when none is named), limited to the named
    /// audiences when some are; unknown names are errors listing the known ones.
    /// </summary>
    public IReadOnlyList<SyncPair> Select(IReadOnlyList<string> destinations, IReadOnlyList<string> audiences)
    {
        if (Destinations.Destinations.Count == 0)
            throw new SyncException("cdp.yml has no destinations: declare where the audiences go under destinations: (see src/Cdp.Activation/README.md)");
        foreach (var name in destinations.Where(n => Destinations.Find(n) is null))
            throw new SyncException($"no destination '{name}' in cdp.yml; the destinations are: {string.Join(", ", Destinations.Destinations.Select(d => d.Name))}");
        foreach (var name in audiences.Where(n => Audiences.Find(n) is null))
            throw new SyncException($"no audience '{name}' in cdp.yml; the audiences are: {string.Join(", ", Audiences.Audiences.Select(a => a.Name))}");
        var chosen = destinations.Count == 0 ? Destinations.Destinations : Destinations.Destinations.Where(d => destinations.Contains(d.Name, StringComparer.Ordinal));
        var pairs = chosen
            .SelectMany(d => d.Audiences.Where(a => audiences.Count == 0 || audiences.Contains(a, StringComparer.Ordinal)).Select(a => new SyncPair(d, Audiences.Find(a)!)))
            .ToList();
        if (pairs.Count == 0)
            throw new SyncException($"none of the chosen destinations receives {string.Join(", ", audiences)}; check the audiences: list of each destination in cdp.yml");
        return pairs;
    }
}

/// <summary>One audience to one destination.</summary>
internal sealed record SyncPair(DestinationDefinition Destination, AudienceDefinition Audience)
{
    /// <summary>The consent column a <c>none</c> export reads: always true, so only holdouts keep people out.</summary>
    private const string NoConsentNeeded = "contactable_" + DestinationDefinition.NoChannel;

    /// <summary>
    /// The audience's rows of gold.audience_members; an export without channel gets a consent column that is always
    /// true (holdouts still apply).
    /// </summary>
    public string MembershipRelation
        => $"(SELECT *{(Destination.Channel == DestinationDefinition.NoChannel ? $", TRUE AS {Sql.Identifier(NoConsentNeeded)}" : "")} " +
           $"FROM gold.{Sql.Identifier(AudienceBuilder.MembersTable)} WHERE {Sql.Identifier(MembershipColumns.Audience)} = {Sql.Literal(Audience.Name)})";

    /// <summary>The plan request: the audience's declared fields are the export columns.</summary>
    public SyncRequest Request(DestinationDefinition destination)
        => new(destination.Name, Audience.Name, MembershipRelation, destination.Channel, Audience.Fields, destination.Limits.MaxBatchSize)
        {
            Priority = Audience.Priority,
        };
}
