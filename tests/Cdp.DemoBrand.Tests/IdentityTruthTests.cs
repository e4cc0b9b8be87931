using Cdp.DemoBrand.Model;
using Cdp.DemoBrand.Tests.Support;

namespace Cdp.DemoBrand.Tests;

/// <summary>The truth can score identity resolution: there is work to do, and naive matching is not enough.</summary>
public sealed class IdentityTruthTests(GeneratedBrand brand) : IClassFixture<GeneratedBrand>
{
    [Fact]
    public void Exact_email_matching_of_crm_records_is_precise_but_misses_some_true_pairs()
    {
        var crm = brand.Csv("crm/customers.csv");
        var records = crm.Rows.Select(r => (
            Person: brand.PersonOf("crm.customers", r[crm.Column("customer_number")]),
            Email: r[crm.Column("email")],
            Phone: r[crm.Column("phone")])).ToList();

        // True pairs: two CRM records of the same person.
        var truePairs = records.Select((r, i) => (r, i)).GroupBy(x => x.r.Person, StringComparer.Ordinal)
            .SelectMany(g => Pairs(g.Select(x => x.i).ToList())).ToHashSet();
        Assert.True(truePairs.Count > 50, $"{truePairs.Count} true duplicate pairs");

        var sharingIdentifier = truePairs.Count(p => Same(records[p.A].Email, records[p.B].Email) || Same(records[p.A].Phone, records[p.B].Phone));
        Assert.True(sharingIdentifier > 0, "no duplicate pair shares an email or a phone: nothing for resolution to find");

        // Exact e-mail matching, placeholders excluded: every match is right, but some true pairs are missed.
        var predicted = records.Select((r, i) => (r, i)).Where(x => x.r.Email.Length > 0 && !Identifiers.IsPlaceholder(x.r.Email))
            .GroupBy(x => x.r.Email, StringComparer.Ordinal).SelectMany(g => Pairs(g.Select(x => x.i).ToList())).ToHashSet();
        var correct = predicted.Count(truePairs.Contains);
        Assert.True(predicted.Count > 0);
        Assert.Equal(predicted.Count, correct); // precision 1
        var recall = (double)correct / truePairs.Count;
        Assert.True(recall is > 0.1 and < 1.0, $"exact-email recall {recall:P1}");

        // With placeholders, naive matching glues different people together: the trap the resolution must avoid.
        var withPlaceholders = records.Select((r, i) => (r, i)).Where(x => x.r.Email.Length > 0)
            .GroupBy(x => x.r.Email, StringComparer.Ordinal).SelectMany(g => Pairs(g.Select(x => x.i).ToList())).ToList();
        Assert.Contains(withPlaceholders, p => !truePairs.Contains(p));
    }

    [Fact]
    public void Phones_of_one_person_appear_in_several_formats()
    {
        var phones = brand.Truth.Where(t => t.Key.Silo == "id.phone").GroupBy(t => t.Value[0], StringComparer.Ordinal).ToList();
        Assert.Contains(phones, g => g.Count() >= 2);
        var all = phones.SelectMany(g => g.Select(t => t.Key.Key)).ToList();
        Assert.Contains(all, p => p.StartsWith("+33 ", StringComparison.Ordinal));
        Assert.Contains(all, p => p.StartsWith("0033", StringComparison.Ordinal));
        Assert.Contains(all, p => p.StartsWith("06 ", StringComparison.Ordinal) || p.StartsWith("07 ", StringComparison.Ordinal));
        Assert.Contains(all, p => p.StartsWith("+49", StringComparison.Ordinal));
        Assert.Contains(all, p => p.StartsWith("+44", StringComparison.Ordinal));
        Assert.Contains(all, p => p.StartsWith("+34", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_appear_with_case_and_accent_variants()
    {
        var crm = brand.Csv("crm/customers.csv");
        var first = crm.Values("first_name").ToList();
        Assert.Contains(first, n => n.Length > 1 && n == n.ToUpperInvariant() && n.Any(char.IsLetter));
        Assert.Contains(first, n => n.Contains('é', StringComparison.Ordinal));
        // The same person under an accented and an unaccented spelling.
        var byPerson = crm.Rows.GroupBy(r => brand.PersonOf("crm.customers", r[0]), StringComparer.Ordinal).Where(g => g.Count() > 1);
        Assert.Contains(byPerson, g => g.Select(r => r[1]).Distinct(StringComparer.Ordinal).Count() > 1);
    }

    private static IEnumerable<(int A, int B)> Pairs(List<int> indexes)
    {
        for (var i = 0; i < indexes.Count; i++)
            for (var j = i + 1; j < indexes.Count; j++)
                yield return (Math.Min(indexes[i], indexes[j]), Math.Max(indexes[i], indexes[j]));
    }

    private static bool Same(string a, string b) => a.Length > 0 && !Identifiers.IsPlaceholder(a) && string.Equals(a, b, StringComparison.Ordinal);
}
