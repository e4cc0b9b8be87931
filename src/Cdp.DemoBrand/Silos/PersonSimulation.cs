using System.Globalization;
using Cdp.DemoBrand.Model;
using Cdp.DemoBrand.Output;
using Cdp.DemoBrand.Random;

namespace Cdp.DemoBrand.Silos;

/// <summary>
/// Lives one person's two years and writes what every silo saw of it: CRM entries, loyalty card, consents,
/// purchases (driven by replenishment of the products they use, stopped by churn), browsing sessions with
/// abandoned carts, and e-mail campaigns. Also writes the person's ground truth.
/// </summary>
internal sealed partial class PersonSimulation
{
    private static readonly ulong BehaviourStream = Prng.Stream("behaviour");

    private readonly SiloFiles _files;
    private readonly Catalogue _catalogue;
    private readonly ulong _seed;
    private readonly DateTime _start;
    private readonly DateTime _end;
    private readonly JsonLine _json = new();

    /// <summary>Identifiers the current person showed anywhere ("id.email", value), written to truth at the end.</summary>
    private readonly SortedSet<(string Kind, string Value)> _identifiers = [];
    private Person _p = null!;
    private Prng _rng = null!;

    public PersonSimulation(SiloFiles files, Catalogue catalogue, ulong seed, DateTime start, DateTime end)
    {
        _files = files;
        _catalogue = catalogue;
        _seed = seed;
        _start = start;
        _end = end;
        Campaigns = BuildCampaigns(start, end);
    }

    /// <summary>The e-mail campaigns: one every two weeks, each about one category.</summary>
    public IReadOnlyList<(string Id, DateTime At, Category Theme)> Campaigns { get; }

    public void Run(long index)
    {
        _p = PersonFactory.Create(_seed, index, _start, _end);
        _rng = new Prng(_seed, BehaviourStream, (ulong)index);
        _identifiers.Clear();

        WritePerson();
        WriteCrm();
        WriteLoyalty();
        var consent = WriteConsents();
        Live();
        WriteEmail(consent);

        foreach (var (kind, value) in _identifiers) _files.TruthRecords.Row(kind, value, _p.Id);
    }

    private void WritePerson()
    {
        var churn = _p.Churn is { } c ? Times.Date(c) : null;
        _files.TruthPeople.Row(_p.Id, _p.HouseholdId, Times.Date(_p.Signup), churn, _p.CycleFactor.ToString("0.000", CultureInfo.InvariantCulture),
            _p.Preferred.ToString().ToLowerInvariant(), _p.AffinityText(), _p.Country,
            _p.EmailOpenRate.ToString("0.000", CultureInfo.InvariantCulture), _p.Activity.ToString("0.000", CultureInfo.InvariantCulture));
    }

    private void Record(string silo, string key) => _files.TruthRecords.Row(silo, key, _p.Id);

    /// <summary>Notes an identifier value for truth (placeholders are nobody's identifier).</summary>
    private string? Seen(string kind, string? value)
    {
        if (!string.IsNullOrEmpty(value) && !Identifiers.IsPlaceholder(value)) _identifiers.Add((kind, value));
        return value;
    }

    private static List<(string, DateTime, Category)> BuildCampaigns(DateTime start, DateTime end)
    {
        var list = new List<(string, DateTime, Category)>();
        var themes = Enum.GetValues<Category>();
        var i = 0;
        for (var t = start.Date.AddDays(3).AddHours(8); t < end; t = t.AddDays(14), i++)
        {
            list.Add(("CMP-" + t.ToString("yyyyMMdd", CultureInfo.InvariantCulture), t, themes[i % themes.Length]));
        }
        return list;
    }
}
