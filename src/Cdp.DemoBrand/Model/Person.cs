using System.Globalization;
using Cdp.DemoBrand.Random;

namespace Cdp.DemoBrand.Model;

/// <summary>Where a person prefers to buy.</summary>
internal enum Channel
{
    Web,
    App,
    Store,
}

/// <summary>
/// One true person of the demo brand, with everything the silos will show of them and the latent behaviour that
/// drives it (lifetime, channel preference, category affinities, replenishment pace). Built from a generator seeded
/// by (seed, person index) and, for shared homes, one seeded by (seed, household index).
/// </summary>
internal sealed class Person
{
    public required long Index { get; init; }
    public string Id => "P" + Index.ToString("D8", CultureInfo.InvariantCulture);
    public required string HouseholdId { get; init; }

    /// <summary>Lives with another person (a pair of consecutive indexes) and shares a tablet and its browser.</summary>
    public required bool SharedHome { get; init; }
    public required string Country { get; init; }
    public required City City { get; init; }
    public required string Street { get; init; }
    public required string Postcode { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public required DateOnly BirthDate { get; init; }
    public required string? Email1 { get; init; }
    public required string? Email2 { get; init; }
    public required string? PhoneDigits { get; init; }

    /// <summary>The way this person writes their phone by habit (other systems may write it another way).</summary>
    public required int PhoneStyle { get; init; }
    public required DateTime Signup { get; init; }

    /// <summary>The latent churn date: no purchase nor engagement after it. Null when later than the as-of date.</summary>
    public required DateTime? Churn { get; init; }

    /// <summary>Multiplies a product's usage duration to give this person's repurchase interval.</summary>
    public required double CycleFactor { get; init; }
    public required Channel Preferred { get; init; }

    /// <summary>Purchase weights per category (sum 1), in <see cref="Category"/> order.</summary>
    public required double[] Affinity { get; init; }

    /// <summary>When the person opened an account (a CRM customer number); null if never before the as-of date.</summary>
    public required DateTime? AccountCreated { get; init; }
    public required string? CustomerNumber { get; init; }

    /// <summary>When the person joined the loyalty programme; null if not a member.</summary>
    public required DateTime? LoyaltyEnrolled { get; init; }
    public required string? CardNumber { get; init; }
    public required Store HomeStore { get; init; }

    /// <summary>How often they open a marketing e-mail.</summary>
    public required double EmailOpenRate { get; init; }

    /// <summary>Multiplies browsing and discovery rates (some people visit often, some rarely).</summary>
    public required double Activity { get; init; }
    public required string Platform { get; init; }

    /// <summary>The household tablet's app device id and browser cookie (null unless <see cref="SharedHome"/>).</summary>
    public required string? SharedDeviceId { get; init; }
    public required string? SharedCookieId { get; init; }

    public bool IsAlive(DateTime t) => Churn is null || t < Churn.Value;

    public bool HasAccountAt(DateTime t) => AccountCreated is { } a && a <= t;

    public string? Phone(int style) => PhoneDigits is null ? null : Identifiers.FormatPhone(PhoneDigits, Country, style);

    /// <summary>"skincare:0.412|haircare:0.100|..." for truth/people.csv.</summary>
    public string AffinityText()
        => string.Join('|', Enum.GetValues<Category>().Select(c => $"{Catalogue.Name(c)}:{Affinity[(int)c].ToString("0.000", CultureInfo.InvariantCulture)}"));
}

/// <summary>Draws people: their identity, household, lifetime and tastes.</summary>
internal static class PersonFactory
{
    public static readonly ulong PersonStream = Prng.Stream("person");
    public static readonly ulong HouseholdStream = Prng.Stream("household");

    /// <summary>Share of consecutive pairs of people who live together.</summary>
    public const double SharedHomeRate = 0.16;

    public static Person Create(ulong seed, long index, DateTime start, DateTime end)
    {
        // The household: people 2j and 2j+1 may share a home; both derive it from the same household generator.
        var pair = index / 2;
        var home = new Prng(seed, HouseholdStream, (ulong)pair);
        var shared = home.Chance(SharedHomeRate);
        var country = Geography.Countries[home.PickWeighted(Geography.CountryWeights)];
        var city = home.Pick(Geography.Cities[country]);
        var street = home.Pick(Geography.StreetPatterns[country]).Replace("#", home.Next(1, 140).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var postcode = Postcode(city.Postcode, home);
        var familyName = home.Pick(Geography.LastNames[country]);
        var sharedDevice = home.Uuid().ToUpperInvariant();
        var sharedCookie = home.Uuid();

        var rng = new Prng(seed, PersonStream, (ulong)index);
        if (!shared)
        {
            // Living alone: own country, city and address (drawn from the person's generator).
            country = Geography.Countries[rng.PickWeighted(Geography.CountryWeights)];
            city = rng.Pick(Geography.Cities[country]);
            street = rng.Pick(Geography.StreetPatterns[country]).Replace("#", rng.Next(1, 140).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            postcode = Postcode(city.Postcode, rng);
        }
        var female = rng.Chance(0.78);
        var first = rng.Pick((female ? Geography.FemaleFirstNames : Geography.MaleFirstNames)[country]);
        var last = shared && rng.Chance(0.75) ? familyName : rng.Pick(Geography.LastNames[country]);
        var birth = new DateOnly(1950, 1, 1).AddDays(rng.Next(0, 365 * 54));

        var email1 = rng.Chance(0.93) ? Identifiers.Email(seed, index, 0, first, last, rng) : null;
        var email2 = email1 is not null && rng.Chance(0.16) ? Identifiers.Email(seed, index, 1, first, last, rng) : null;
        var phone = rng.Chance(0.8) ? Identifiers.MobileDigits(seed, index, country) : null;

        // Lifetime: signed up before the window (40%) or during it; a constant churn hazard afterwards.
        var signup = rng.Chance(0.4)
            ? start.AddDays(-rng.Uniform(1, 3 * 365))
            : start.AddDays(rng.Uniform(0, (end - start).TotalDays - 3));
        signup = signup.Date.AddSeconds(rng.Next(8 * 3600, 23 * 3600));
        var churnAt = signup.AddDays(rng.Exponential(1300));
        DateTime? churn = churnAt < end ? churnAt : null;

        var factor = Math.Clamp(rng.LogNormal(0, 0.15), 0.7, 1.45);
        var preferred = (Channel)rng.PickWeighted([0.42, 0.23, 0.35]);
        var affinity = Affinity(rng);

        // An account (a CRM customer number) for most; some buy as guests first and open one later.
        DateTime? account = null;
        if (rng.Chance(0.72))
        {
            account = rng.Chance(0.14) ? signup.AddDays(rng.Uniform(30, 300)) : signup;
            if (account >= end) account = null;
        }
        else if (preferred == Channel.App)
        {
            preferred = Channel.Web;
        }
        DateTime? enrolled = null;
        if (rng.Chance(preferred == Channel.Store ? 0.75 : 0.35))
        {
            enrolled = signup.AddDays(rng.Uniform(0, 60));
            if (enrolled >= end) enrolled = null;
        }
        var stores = Geography.Stores.Where(s => string.Equals(s.Country, country, StringComparison.Ordinal)).ToList();
        var homeStore = stores.FirstOrDefault(s => string.Equals(s.City, city.Name, StringComparison.Ordinal)) ?? stores[0];
        var sameCity = stores.Where(s => string.Equals(s.City, city.Name, StringComparison.Ordinal)).ToList();
        if (sameCity.Count > 1) homeStore = rng.Pick(sameCity);

        return new Person
        {
            Index = index,
            HouseholdId = "H" + (shared ? pair * 2 : index).ToString("D8", CultureInfo.InvariantCulture),
            SharedHome = shared,
            Country = country,
            City = city,
            Street = street,
            Postcode = postcode,
            FirstName = first,
            LastName = last,
            BirthDate = birth,
            Email1 = email1,
            Email2 = email2,
            PhoneDigits = phone,
            PhoneStyle = rng.Next(5),
            Signup = signup,
            Churn = churn,
            CycleFactor = Math.Round(factor, 3),
            Preferred = preferred,
            Affinity = affinity,
            AccountCreated = account,
            CustomerNumber = account is null ? null : Identifiers.CustomerNumber(seed, index, 0),
            LoyaltyEnrolled = enrolled,
            CardNumber = enrolled is null ? null : Identifiers.CardNumber(seed, index),
            HomeStore = homeStore,
            EmailOpenRate = Math.Clamp(rng.LogNormal(Math.Log(0.22), 0.6), 0.01, 0.9),
            Activity = Math.Clamp(rng.LogNormal(-0.2, 0.5), 0.25, 4),
            Platform = rng.Chance(0.55) ? "ios" : "android",
            SharedDeviceId = shared ? sharedDevice : null,
            SharedCookieId = shared ? sharedCookie : null,
        };
    }

    private static double[] Affinity(Prng rng)
    {
        var w = new double[5];
        var favourite = rng.PickWeighted([0.38, 0.18, 0.2, 0.1, 0.14]);
        for (var i = 0; i < w.Length; i++) w[i] = rng.Exponential(1) * (i == favourite ? 4 : 1);
        var sum = w.Sum();
        for (var i = 0; i < w.Length; i++) w[i] = Math.Round(w[i] / sum, 3);
        return w;
    }

    private static string Postcode(string pattern, Prng rng)
    {
        var chars = pattern.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '#') chars[i] = (char)('0' + rng.Next(10));
        }
        return new string(chars);
    }
}
