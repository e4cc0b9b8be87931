using Cdp.DemoBrand.Model;
using Cdp.DemoBrand.Output;

namespace Cdp.DemoBrand.Silos;

/// <summary>CRM entries, loyalty membership and consents: what a person declared.</summary>
internal sealed partial class PersonSimulation
{
    private static readonly string[] CountryNames = ["France", "Deutschland", "United Kingdom", "España"];

    private void WriteCrm()
    {
        if (_p.CustomerNumber is null || _p.AccountCreated is not { } created) return;
        var first = _p.FirstName;
        var last = _p.LastName;
        if (_rng.Chance(0.05)) (first, last) = (first.ToUpperInvariant(), last.ToUpperInvariant());
        else if (_rng.Chance(0.04)) (first, last) = (Identifiers.Ascii(first), Identifiers.Ascii(last));

        var email = _rng.Chance(0.04) ? null : _rng.Chance(0.01) ? _rng.Pick(["test@test.com", "noemail@example.com", "x@x.com"]) : _p.Email1;
        var phone = _rng.Chance(0.1) ? null : _rng.Chance(0.01) ? "0000000000" : _rng.Chance(0.005) ? "N/A" : _p.Phone(_p.PhoneStyle);
        var city = _rng.Chance(0.004) ? "N/A" : _p.City.Name;
        var street = _rng.Chance(0.03) ? null : _p.Street;
        var birth = _rng.Chance(0.15) ? null : Times.Date(_p.BirthDate);
        _files.Customers.Row(_p.CustomerNumber, first, last, Seen("id.email", email), Seen("id.phone", phone), street, _p.Postcode, city,
            CountryValue(), birth, Times.Local(created));
        Record("crm.customers", _p.CustomerNumber);

        // The same person entered again later (a new account at a till, a forgotten login): a new customer number.
        if (!_rng.Chance(0.07)) return;
        var again = created.AddDays(_rng.Uniform(20, 500));
        if (again >= _end) return;
        var number = Identifiers.CustomerNumber(_seed, _p.Index, 1);
        var first2 = _rng.Chance(0.6) ? Identifiers.NameVariant(_p.FirstName, _rng) : _p.FirstName;
        var last2 = _rng.Chance(0.4) ? Identifiers.NameVariant(_p.LastName, _rng) : _p.LastName;
        string? email2 = _rng.Next(10) switch
        {
            < 4 => _p.Email1,
            < 7 => _p.Email1 is null ? null : Identifiers.EmailVariant(_p.Email1, _rng),
            < 9 => _p.Email2 ?? (_p.Email1 is null ? null : Identifiers.EmailVariant(_p.Email1, _rng)),
            _ => null,
        };
        var phone2 = _rng.Chance(0.3) ? null : _p.Phone(_rng.Next(5));
        var street2 = _rng.Chance(0.3) ? null : _p.Street;
        _files.CustomerDuplicates.Row(number, first2, last2, Seen("id.email", email2), Seen("id.phone", phone2), street2,
            _rng.Chance(0.8) ? _p.Postcode : null, _p.City.Name, CountryValue(), _rng.Chance(0.5) ? Times.Date(_p.BirthDate) : null, Times.Local(again));
        Record("crm.customers", number);
    }

    private string CountryValue()
    {
        if (_rng.Chance(0.03)) return CountryNames[Array.IndexOf(Geography.Countries, _p.Country)];
        if (_rng.Chance(0.02)) return _p.Country.ToLowerInvariant();
        return _p.Country;
    }

    private void WriteLoyalty()
    {
        if (_p.CardNumber is null || _p.LoyaltyEnrolled is not { } enrolled) return;
        string? customer = null, email = null, phone = null;
        if (_p.HasAccountAt(enrolled) && _rng.Chance(0.85)) customer = _p.CustomerNumber;
        else if (_p.Email1 is not null && (_p.PhoneDigits is null || _rng.Chance(0.6))) email = _rng.Chance(0.15) ? Identifiers.EmailVariant(_p.Email1, _rng) : _p.Email1;
        else if (_p.PhoneDigits is not null) phone = _rng.Chance(0.02) ? "0000000000" : _p.Phone(_rng.Next(5));
        var points = (int)_rng.Exponential(400);
        var tier = points > 1200 ? "gold" : points > 500 ? "silver" : "bronze";
        _files.Members.Row(_p.CardNumber, customer, Seen("id.email", email), Seen("id.phone", phone), Times.Local(enrolled),
            _p.HomeStore.Id, tier, points.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Record("loyalty.members", _p.CardNumber);
    }

    /// <summary>The consents given at signup and changed later; returns when e-mail marketing was allowed.</summary>
    private EmailConsent WriteConsents()
    {
        var at = _p.AccountCreated ?? _p.Signup;
        var source = _p.AccountCreated is not null ? "crm_signup" : _p.Preferred == Channel.Store ? "store" : "eshop_checkout";
        var rows = new List<(string Type, string Value, string Channel, string Purpose, bool Granted)>();
        if (_p.Email1 is not null) rows.Add(("email", _p.Email1, "email", "marketing", _rng.Chance(0.65)));
        var (idType, idValue) = _p.CustomerNumber is not null ? ("customer_number", _p.CustomerNumber) : _p.Email1 is not null ? ("email", _p.Email1) : ("", "");
        if (idValue.Length > 0)
        {
            rows.Add((idType, idValue, "email", "profiling", _rng.Chance(0.5)));
            var ads = _rng.Chance(0.55);
            rows.Add((idType, idValue, "ads", "ad_user_data", ads));
            rows.Add((idType, idValue, "ads", "ad_personalization", _rng.Chance(0.85) ? ads : !ads));
        }
        if (_p.PhoneDigits is not null) rows.Add(("phone", _p.Phone(_rng.Next(5))!, "sms", "marketing", _rng.Chance(0.35)));

        var consent = new EmailConsent();
        foreach (var r in rows)
        {
            var t = at.AddSeconds(_rng.Next(5, 90));
            if (t >= _end) continue;
            _files.Consents.Row(r.Type, r.Type == "email" ? Seen("id.email", r.Value) : r.Type == "phone" ? Seen("id.phone", r.Value) : r.Value,
                r.Channel, r.Purpose, r.Granted ? "granted" : "denied", Times.Iso(t), source);
            if (r.Channel == "email" && r.Purpose == "marketing" && r.Granted) consent.From = t;
        }
        // Some people change their mind later in the preference centre.
        if (rows.Count > 0 && _rng.Chance(0.12))
        {
            var r = _rng.Pick(rows);
            var t = at.AddDays(_rng.Uniform(10, 600));
            if (t < _end)
            {
                _files.Consents.Row(r.Type, r.Value, r.Channel, r.Purpose, r.Granted ? "denied" : "granted", Times.Iso(t), "preference_centre");
                if (r.Channel == "email" && r.Purpose == "marketing")
                {
                    if (r.Granted) consent.Until = t;
                    else consent.From = t;
                }
            }
        }
        return consent;
    }

    /// <summary>When the person's primary address may receive marketing e-mail.</summary>
    private sealed class EmailConsent
    {
        public DateTime? From { get; set; }
        public DateTime? Until { get; set; }

        public bool Allows(DateTime t) => From is { } f && f <= t && (Until is not { } u || t < u);
    }
}
