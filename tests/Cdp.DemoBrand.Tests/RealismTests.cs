using System.Globalization;
using System.Text.Json.Nodes;
using Cdp.DemoBrand.Model;
using Cdp.DemoBrand.Tests.Support;

namespace Cdp.DemoBrand.Tests;

/// <summary>Behaviour is modelled, not noise: these fail if churn, replenishment or the data-quality traps disappear.</summary>
public sealed class RealismTests(GeneratedBrand brand) : IClassFixture<GeneratedBrand>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Fact]
    public void Churned_people_neither_buy_nor_engage_after_their_churn_date()
    {
        var churn = brand.Csv("truth/people.csv").Rows.Where(r => r[3].Length > 0)
            .ToDictionary(r => r[0], r => DateOnly.ParseExact(r[3], "yyyy-MM-dd", Inv), StringComparer.Ordinal);
        Assert.True(churn.Count > 400, $"{churn.Count} churned people of 4000");

        var checkedPurchases = 0;
        foreach (var (person, day) in Purchases())
        {
            if (!churn.TryGetValue(person, out var c)) continue;
            // Till times are local (up to one hour ahead of UTC), hence the day of slack.
            Assert.True(day <= c.AddDays(1), $"{person} churned on {c} and bought on {day}");
            checkedPurchases++;
        }
        Assert.True(checkedPurchases > 500, $"{checkedPurchases} purchases of churned people before their churn");

        var emailOwner = brand.Truth.Where(t => t.Key.Silo == "id.email").ToDictionary(t => t.Key.Key, t => t.Value[0], StringComparer.Ordinal);
        foreach (var e in brand.Jsonl("email/engagement.jsonl").Where(e => GeneratedBrand.Str(e, "type") is "open" or "click" or "unsubscribe"))
        {
            var person = emailOwner[GeneratedBrand.Str(e, "email")!];
            if (churn.TryGetValue(person, out var c))
                Assert.True(DateOnly.FromDateTime(GeneratedBrand.Utc(GeneratedBrand.Str(e, "ts")!)) <= c, $"{person} engaged after churning");
        }
    }

    [Fact]
    public void Repurchase_intervals_cluster_around_the_products_usage_duration()
    {
        var usage = brand.Csv("catalog/products.csv").Rows.ToDictionary(r => (r[0], r[3]), r => int.Parse(r[6], Inv));
        var intervals = new Dictionary<(string Sku, string Size), List<int>>();
        foreach (var group in PurchasedItems().GroupBy(p => (p.Person, p.Sku, p.Size)))
        {
            var days = group.Select(p => p.Day).Distinct().Order().ToList();
            for (var i = 1; i < days.Count; i++)
            {
                var key = (group.Key.Sku, group.Key.Size);
                if (!intervals.TryGetValue(key, out var list)) intervals[key] = list = [];
                list.Add(days[i].DayNumber - days[i - 1].DayNumber);
            }
        }
        var judged = 0;
        foreach (var (item, list) in intervals.Where(i => i.Value.Count >= 15))
        {
            list.Sort();
            var median = list[list.Count / 2];
            var expected = usage[item];
            Assert.True(median >= expected * 0.65 && median <= expected * 1.35,
                $"{item.Sku} {item.Size}: median repurchase interval {median} days, usage duration {expected} days ({list.Count} intervals)");
            judged++;
        }
        Assert.True(judged >= 20, $"only {judged} products had enough repurchases to judge");
    }

    [Fact]
    public void Placeholders_duplicates_guests_and_shared_devices_occur_at_plausible_rates()
    {
        var crm = brand.Csv("crm/customers.csv");
        var placeholders = crm.Rows.Count(r => Identifiers.IsPlaceholder(r[crm.Column("email")]) || Identifiers.IsPlaceholder(r[crm.Column("phone")]) || Identifiers.IsPlaceholder(r[crm.Column("city")]));
        AssertRate("CRM rows with a placeholder", placeholders, crm.Rows.Count, 0.002, 0.06);

        var people = crm.Values("customer_number").Select(c => brand.PersonOf("crm.customers", c)).ToList();
        var duplicated = people.GroupBy(p => p, StringComparer.Ordinal).Count(g => g.Count() > 1);
        AssertRate("CRM people entered twice", duplicated, people.Distinct(StringComparer.Ordinal).Count(), 0.02, 0.15);

        var orders = brand.Jsonl("eshop/orders.jsonl");
        var guests = orders.Count(o => GeneratedBrand.Str(o, "customer_number") is null);
        AssertRate("guest orders", guests, orders.Count, 0.05, 0.6);
        Assert.All(orders, o => Assert.True(GeneratedBrand.Str(o, "customer_number") is null ^ GeneratedBrand.Str(o, "email") is null));

        foreach (var silo in new[] { "id.cookie", "id.device" })
        {
            var keys = brand.Truth.Where(t => t.Key.Silo == silo).ToList();
            var shared = keys.Count(k => k.Value.Count == 2);
            Assert.True(keys.All(k => k.Value.Count <= 2), $"a {silo} is used by more than one household pair");
            AssertRate($"{silo} shared by a household", shared, keys.Count, 0.002, 0.1);
        }

        var guestThenAccount = orders.GroupBy(o => brand.PersonOf("eshop.orders", GeneratedBrand.Str(o, "order_id")!), StringComparer.Ordinal)
            .Count(g => g.OrderBy(o => GeneratedBrand.Str(o, "ordered_at"), StringComparer.Ordinal).Select(o => GeneratedBrand.Str(o, "customer_number") is null)
                .SkipWhile(isGuest => isGuest).Count() < g.Count() && g.Any(o => GeneratedBrand.Str(o, "customer_number") is not null)
                && GeneratedBrand.Str(g.OrderBy(o => GeneratedBrand.Str(o, "ordered_at"), StringComparer.Ordinal).First(), "customer_number") is null);
        Assert.True(guestThenAccount > 0, "no guest later created an account");

        var secondEmails = brand.Truth.Where(t => t.Key.Silo == "id.email").GroupBy(t => t.Value[0], StringComparer.Ordinal).Count(g => g.Count() > 1);
        Assert.True(secondEmails > 100, $"{secondEmails} people show more than one address");
    }

    [Fact]
    public void Every_identifier_in_the_silos_maps_to_a_person_in_the_truth()
    {
        var crm = brand.Csv("crm/customers.csv");
        var loyalty = brand.Csv("loyalty/members.csv");
        var consents = brand.Csv("consents/consents.csv");
        var tills = brand.Csv("stores/transactions.csv");
        var orders = brand.Jsonl("eshop/orders.jsonl");
        var app = brand.Jsonl("app/events.jsonl");
        var web = brand.WebEvents();

        var customerNumbers = crm.Values("customer_number")
            .Concat(loyalty.Values("customer_number"))
            .Concat(consents.Rows.Where(r => r[0] == "customer_number").Select(r => r[1]))
            .Concat(orders.Select(o => GeneratedBrand.Str(o, "customer_number") ?? ""))
            .Concat(app.Concat(web).Select(e => GeneratedBrand.Str(e, "customer_number") ?? ""));
        AssertKnown("crm.customers", customerNumbers);
        AssertKnown("loyalty.members", loyalty.Values("card_number").Concat(tills.Values("loyalty_card")));
        AssertKnown("eshop.orders", orders.Select(o => GeneratedBrand.Str(o, "order_id")!).Concat(web.Concat(app).Select(e => GeneratedBrand.Str(e, "order_id") ?? "")));
        AssertKnown("stores.transactions", tills.Values("transaction_id"));
        AssertKnown("web.sessions", web.Select(e => GeneratedBrand.Str(e, "session_id")!));
        AssertKnown("app.sessions", app.Select(e => GeneratedBrand.Str(e, "session_id")!));
        AssertKnown("id.cookie", web.Select(e => GeneratedBrand.Str(e, "cookie_id")!), shared: true);
        AssertKnown("id.device", app.Select(e => GeneratedBrand.Str(e, "device_id")!), shared: true);
        AssertKnown("id.email", crm.Values("email").Concat(loyalty.Values("email")).Concat(consents.Rows.Where(r => r[0] == "email").Select(r => r[1]))
            .Concat(orders.Select(o => GeneratedBrand.Str(o, "email") ?? "")).Concat(brand.Jsonl("email/engagement.jsonl").Select(e => GeneratedBrand.Str(e, "email")!)));
        AssertKnown("id.phone", crm.Values("phone").Concat(loyalty.Values("phone")).Concat(consents.Rows.Where(r => r[0] == "phone").Select(r => r[1])));
    }

    [Fact]
    public void Every_sold_item_is_in_the_catalogue_and_replenishment_audiences_have_candidates()
    {
        var items = brand.Csv("catalog/products.csv").Rows.Select(r => (r[0], r[3])).ToHashSet();
        Assert.All(PurchasedItems(), p => Assert.Contains((p.Sku, p.Size), items));
        Assert.Contains(brand.Csv("catalog/products.csv").Values("stock"), s => s == "0");
        var complements = brand.Csv("catalog/complements.csv");
        var skus = items.Select(i => i.Item1).ToHashSet(StringComparer.Ordinal);
        Assert.All(complements.Rows, r => Assert.True(skus.Contains(r[0]) && skus.Contains(r[1])));
    }

    private void AssertKnown(string silo, IEnumerable<string> values, bool shared = false)
    {
        var count = 0;
        foreach (var v in values.Where(v => v.Length > 0 && !Identifiers.IsPlaceholder(v)).Distinct(StringComparer.Ordinal))
        {
            Assert.True(brand.Truth.TryGetValue((silo, v), out var people), $"{silo} {v} has no person in truth/records.csv");
            if (!shared) Assert.Single(people);
            count++;
        }
        Assert.True(count > 0, $"no {silo} value found in the silos");
    }

    private static void AssertRate(string what, int count, int total, double min, double max)
    {
        var rate = (double)count / total;
        Assert.True(rate >= min && rate <= max, $"{what}: {count} of {total} ({rate:P1}), expected between {min:P1} and {max:P1}");
    }

    /// <summary>(person, day) of every order and till transaction.</summary>
    private IEnumerable<(string Person, DateOnly Day)> Purchases()
        => PurchasedItems().Select(p => (p.Person, p.Day)).Distinct();

    private List<(string Person, DateOnly Day, string Sku, string Size)> PurchasedItems()
    {
        var result = new List<(string, DateOnly, string, string)>();
        var orderDay = new Dictionary<string, (string Person, DateOnly Day)>(StringComparer.Ordinal);
        foreach (var o in brand.Jsonl("eshop/orders.jsonl"))
        {
            var id = GeneratedBrand.Str(o, "order_id")!;
            orderDay[id] = (brand.PersonOf("eshop.orders", id), DateOnly.FromDateTime(GeneratedBrand.Utc(GeneratedBrand.Str(o, "ordered_at")!)));
        }
        foreach (var l in brand.Jsonl("eshop/order_lines.jsonl"))
        {
            var (person, day) = orderDay[GeneratedBrand.Str(l, "order_id")!];
            result.Add((person, day, GeneratedBrand.Str(l, "sku")!, GeneratedBrand.Str(l, "size")!));
        }
        var tills = brand.Csv("stores/transactions.csv");
        foreach (var r in tills.Rows)
        {
            var day = DateOnly.ParseExact(r[3][..10], "yyyy-MM-dd", Inv);
            result.Add((brand.PersonOf("stores.transactions", r[0]), day, r[5], r[6]));
        }
        return result;
    }
}
