using System.ComponentModel;
using System.Text.Json.Nodes;
using Cdp.Cli.Output;
using Cdp.Identity.Profiles;
using Cdp.Identity.Resolution;
using Cdp.Lake;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli.Commands;

public sealed class ProfileSettings : IdentitySettings
{
    [CommandArgument(0, "<identifier>")]
    [Description("Any identifier of the person: type:value (phone:+33612345678, email:ana@example.com, loyalty_card:29...) or a bare value; phones in national format are read in the project's default_phone_region.")]
    public string Identifier { get; init; } = "";
}

/// <summary><c>cdp profile</c>: any identifier to the person's golden profile, traits, scores and latest cart.</summary>
public sealed class ProfileCommand(IAnsiConsole console) : CdpCommand<ProfileSettings>(console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, ProfileSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var identity = IdentityContext.Load(settings.ProjectDir, settings.Lake);
            await using var lake = Sessions.WithSqlFunctions();
            var lookup = await OpenAsync(lake, identity, cancellationToken);
            var profile = await lookup.LookupAsync(settings.Identifier, cancellationToken);
            Print(PrinterFor(settings), profile);
            return ExitCodes.Success;
        }
        catch (IdentityException e)
        {
            await CdpApp.CurrentError.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>A lookup over the lake's published tables; the gold tables that are not built yet are left out.</summary>
    private static async Task<ProfileLookup> OpenAsync(LakeSession lake, IdentityContext identity, CancellationToken ct)
    {
        var relation = await identity.RegisterAsync(lake, ct);
        var map = relation("silver", IdentityTables.PersonMap) ?? throw identity.NoPersonMap();
        var relations = new ProfileRelations(map, relation("gold", "customer_profiles") ?? relation("gold", "golden_profiles"),
            relation("gold", "person_last_cart"), relation("gold", "person_replenishment"), relation("gold", "customer_scores"));
        return new ProfileLookup(lake.Engine, relations, identity.DefaultPhoneRegion);
    }

    private void Print(Printer printer, PersonProfile p)
    {
        if (printer.IsJson)
        {
            printer.Json(new JsonObject
            {
                ["identifier"] = p.Identifier.ToString(),
                ["person_id"] = p.PersonId,
                ["identifiers"] = new JsonArray(p.Identifiers.Select(i => (JsonNode?)i.ToString()).ToArray()),
                ["profile"] = Object(p.Profile),
                ["scores"] = Object(p.Scores),
                ["cart"] = new JsonArray(p.Cart.Select(r => (JsonNode?)Object(r)).ToArray()),
                ["replenishment"] = new JsonArray(p.Replenishment.Select(r => (JsonNode?)Object(r)).ToArray()),
            });
            return;
        }
        var fields = new List<(string, object?)> { ("person_id", p.PersonId) };
        if (p.Identifiers.Count > 0) fields.Add(("identifiers", string.Join(", ", p.Identifiers)));
        fields.AddRange((p.Profile ?? new Dictionary<string, object?>()).Select(kv => (kv.Key, kv.Value)));
        fields.AddRange((p.Scores ?? new Dictionary<string, object?>()).Select(kv => (kv.Key, kv.Value)));
        printer.Summary($"{p.Identifier} is person {p.PersonId}", fields);
        if (p.Profile is null) Console.MarkupLine("No profile yet: build the profile models (cdp models build -s profiles).");
        Rows(printer, "cart", p.Cart);
        Rows(printer, "replenishment", p.Replenishment);
    }

    private void Rows(Printer printer, string title, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows)
    {
        if (rows.Count == 0) return;
        Console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        printer.Rows(rows[0].Keys.ToList(), rows.Select(r => (IReadOnlyList<object?>)r.Values.ToList()));
    }

    private static JsonObject? Object(IReadOnlyDictionary<string, object?>? row)
        => row is null ? null : new JsonObject(row.Select(kv => KeyValuePair.Create(kv.Key, ValueText.Json(kv.Value))));
}
