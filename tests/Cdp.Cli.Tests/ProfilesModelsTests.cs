using System.Text.Json.Nodes;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// The profile models of the repository (models/profiles) built on <see cref="ProfilesFixtureLake"/>: survivorship by
/// the rules of cdp.yml, consent and contactability, purchase traits, the cross-device cart and replenishment.
/// </summary>
public sealed class ProfilesModelsTests(ProfilesFixtureLake lake) : IClassFixture<ProfilesFixtureLake>
{
    [Fact]
    public async Task The_build_succeeds_and_profiles_cover_known_persons_only()
    {
        var build = lake.Build.Succeeded().JsonObject();
        Assert.True((bool)build["succeeded"]!);
        Assert.Equal(0, (int)build["counts"]!["fail"]!);
        Assert.True((int)build["counts"]!["pass"]! > 20, build.ToJsonString());

        // Person 5 has only a cookie and a web session: anonymous, so neither a profile nor traits.
        Assert.Equal([1L, 2L, 3L, 4L, 6L], await PersonIdsAsync("gold.golden_profiles"));
        Assert.Equal([1L, 2L, 3L, 4L, 6L], await PersonIdsAsync("gold.customer_traits"));
        Assert.Equal([1L, 2L, 3L, 4L, 6L], await PersonIdsAsync("gold.customer_profiles"));
    }

    [Fact]
    public async Task Source_priority_keeps_the_crm_address_over_a_later_shipping_address_and_fills_in_from_eshop()
    {
        var anna = await ProfileAsync(1);
        Assert.Equal("Anna", (string?)anna["first_name"]);
        Assert.Equal("crm", (string?)anna["first_name_source"]);
        Assert.Equal("1990-01-02", (string?)anna["birth_date"]);
        Assert.Equal("1 rue Alpha", (string?)anna["street"]);
        Assert.Equal("Paris", (string?)anna["city"]);
        Assert.Equal("crm", (string?)anna["address_source"]);

        // Ben has no CRM address: the shipping address of his order fills in, as one block (no street).
        var ben = await ProfileAsync(2);
        Assert.Null((string?)ben["street"]);
        Assert.Equal("59000", (string?)ben["postcode"]);
        Assert.Equal("Lille", (string?)ben["city"]);
        Assert.Equal("eshop", (string?)ben["address_source"]);
        Assert.StartsWith("2026-09-01", (string?)ben["address_observed_at"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Most_frequent_and_most_recent_pick_their_winners_and_record_the_source()
    {
        // Email, most_frequent: anna@shop.test (loyalty and a guest order) beats the CRM's address; its latest
        // observation is the order.
        var anna = await ProfileAsync(1);
        Assert.Equal("anna@shop.test", (string?)anna["email"]);
        Assert.Equal("eshop", (string?)anna["email_source"]);
        Assert.StartsWith("2026-05-01", (string?)anna["email_observed_at"], StringComparison.Ordinal);
        // Phone, most_recent: the loyalty enrolment's number, given after the CRM's.
        Assert.Equal("+33622222222", (string?)anna["phone"]);
        Assert.Equal("loyalty", (string?)anna["phone_source"]);
        Assert.Equal(["anna@crm.test", "anna@shop.test"], Strings(anna["emails"]));
        Assert.Equal(["+33611111111", "+33622222222"], Strings(anna["phones"]));
        Assert.Equal(["C1"], Strings(anna["customer_numbers"]));
        Assert.Equal(["L1"], Strings(anna["loyalty_cards"]));

        // Eve's two emails are seen once each: the tie goes to the later one.
        var eve = await ProfileAsync(6);
        Assert.Equal("eve@new.test", (string?)eve["email"]);
        Assert.Equal("loyalty", (string?)eve["email_source"]);
    }

    [Fact]
    public async Task Changing_a_rule_in_the_vars_changes_the_winner()
    {
        // --vars replaces the whole survivorship var: every rule is given, phone's changed to CRM first.
        const string rules = "{survivorship: {first_name: {rule: source_priority, sources: [crm]}, email: {rule: most_frequent}, "
            + "phone: {rule: source_priority, sources: [crm, loyalty]}}}";
        try
        {
            (await RunGoldenAsync("--vars", rules)).Succeeded();
            var anna = await ProfileAsync(1);
            Assert.Equal("+33611111111", (string?)anna["phone"]);
            Assert.Equal("crm", (string?)anna["phone_source"]);
            Assert.Null(anna["street"]); // no rule for the address any more: no address columns
        }
        finally
        {
            (await RunGoldenAsync()).Succeeded();
        }
        Assert.Equal("+33622222222", (string?)(await ProfileAsync(1))["phone"]);
    }

    [Fact]
    public async Task A_survivorship_without_an_email_rule_or_with_an_unknown_rule_is_a_compile_error()
    {
        var noEmail = await RunGoldenAsync("--vars", "{survivorship: {phone: {rule: most_recent}}}");
        Assert.Equal(1, noEmail.ExitCode);
        Assert.Contains("no rule for 'email'", noEmail.Stderr, StringComparison.Ordinal);

        var unknown = await RunGoldenAsync("--vars", "{survivorship: {email: {rule: most_common}, phone: {rule: most_recent}}}");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("rule must be source_priority, most_recent or most_frequent, not 'most_common'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_is_the_latest_decision_across_identifiers_and_denied_wins_a_tie()
    {
        var anna = await ProfileAsync(1);
        // Granted on her email and denied on her customer number at the same moment: denied.
        Assert.False((bool)anna["email_marketing_consent"]!);
        // Denied on the old number, granted later on the new one: granted.
        Assert.True((bool)anna["sms_marketing_consent"]!);
        Assert.True((bool)anna["ads_ad_user_data_consent"]!);
        Assert.False((bool)anna["ads_ad_personalization_consent"]!);
        Assert.Null(anna["email_profiling_consent"]);

        var ben = await ProfileAsync(2);
        Assert.True((bool)ben["email_marketing_consent"]!);
        Assert.StartsWith("2026-03-01", (string?)ben["email_marketing_consent_at"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contactability_needs_a_valid_identifier_and_consent_and_no_later_unsubscribe()
    {
        var rows = await lake.SqlAsync(
            "SELECT person_id, contactable_email AS e, contactable_sms AS s, contactable_ads AS a FROM gold.golden_profiles ORDER BY person_id");
        var byPerson = rows.ToDictionary(r => (long)r!["person_id"]!, r => ((bool)r!["e"]!, (bool)r["s"]!, (bool)r["a"]!));
        Assert.Equal((false, true, false), byPerson[1]); // email denied; SMS granted with a phone; one ads purpose denied
        Assert.Equal((true, false, true), byPerson[2]);  // email and both ads purposes granted; no phone
        Assert.Equal((false, false, false), byPerson[3]); // granted, but the only email is invalid
        Assert.Equal((false, false, false), byPerson[4]); // granted, then unsubscribed at the email platform
        Assert.Null((await ProfileAsync(3))["email"]);
    }

    [Fact]
    public async Task Revenue_counts_orders_and_till_transactions_in_the_reporting_currency()
    {
        var anna = await TraitsAsync(1);
        // O1 50 (54.90 less 4.90 shipping) + O2 30; O3 is cancelled; T1 50 GBP at 1.17.
        Assert.Equal(2, (long)anna["eshop_order_count"]!);
        Assert.Equal(1, (long)anna["store_purchase_count"]!);
        Assert.Equal(3, (long)anna["purchase_count"]!);
        Assert.Equal(138.5, (double)anna["revenue"]!, 6);
        Assert.Equal(138.5 / 3, (double)anna["average_basket"]!, 6);
        Assert.Equal("EUR", (string?)anna["currency"]);
        Assert.Equal("skincare", (string?)anna["favourite_category"]);
        Assert.Equal(96.8, (double)anna["favourite_category_revenue"]!, 6);
        Assert.StartsWith("2026-10-31", (string?)anna["as_of"], StringComparison.Ordinal);
        Assert.Equal(122, (long)anna["recency_days"]!);
        Assert.Equal(0, (long)anna["days_since_last_activity"]!);

        var ben = await TraitsAsync(2);
        Assert.Equal(20.0, (double)ben["revenue"]!, 6);
        // Ben bought after Anna: the better recency score of the two buyers.
        Assert.True((long)ben["recency_score"]! > (long)anna["recency_score"]!);
        var chloe = await TraitsAsync(3);
        Assert.Equal(0, (long)chloe["purchase_count"]!);
        Assert.Null(chloe["recency_score"]);
    }

    [Fact]
    public async Task Preferred_channel_is_email_after_a_conversion_by_email_else_ads()
    {
        var anna = await TraitsAsync(1);
        Assert.Equal(1, (long)anna["email_conversions"]!); // O2, three days after a click
        Assert.Equal(2, (long)anna["other_conversions"]!);
        Assert.Equal("email", (string?)anna["preferred_channel"]);
        Assert.Equal("ads", (string?)(await TraitsAsync(2))["preferred_channel"]);
        Assert.Null((await TraitsAsync(3))["preferred_channel"]);
    }

    [Fact]
    public async Task The_last_cart_merges_devices_and_leaves_out_what_was_checked_out()
    {
        var anna = await TraitsAsync(1);
        var items = anna["cart_items"]!.AsArray();
        // FRG-1 was checked out in its session; the app's BDY-1 and the other cookie's MKP-1 remain, newest first.
        Assert.Equal(["MKP-1", "BDY-1"], items.Select(i => (string)i!["sku"]!).ToList());
        Assert.Equal(["web", "app"], items.Select(i => (string)i!["channel"]!).ToList());
        Assert.Equal(["K2", "D1"], items.Select(i => (string)i!["device_id"]!).ToList());
        Assert.Equal(2, (long)anna["cart_item_count"]!);
        Assert.Equal(40.0, (double)anna["cart_value"]!, 6);
        Assert.StartsWith("2026-10-25", (string?)anna["cart_updated_at"], StringComparison.Ordinal);
        Assert.Empty((await TraitsAsync(2))["cart_items"]!.AsArray());
    }

    [Fact]
    public async Task The_cart_carries_what_a_reminder_shows_stock_images_and_in_stock_complements()
    {
        var anna = await TraitsAsync(1);
        var items = anna["cart_items"]!.AsArray();
        Assert.Equal(["Lipstick", "Shower Gel"], items.Select(i => (string)i!["name"]!).ToList());
        Assert.Equal([true, false], items.Select(i => (bool)i!["in_stock"]!).ToList()); // the 200 ml shower gel is sold out
        Assert.Equal("https://img.test/mkp-1-std.jpg", (string?)items[0]!["image_url"]);
        Assert.Equal(30.0, (double)items[0]!["unit_price"]!, 6);
        Assert.Equal(1, (long)anna["cart_in_stock_item_count"]!);

        // SKN-1 for the stronger of its two reasons, then FRG-1 in its only size in stock; MKP-1 is in the cart already.
        var complements = anna["cart_complements"]!.AsArray();
        Assert.Equal(["SKN-1", "FRG-1"], complements.Select(c => (string)c!["sku"]!).ToList());
        Assert.Equal(["routine", "evening look"], complements.Select(c => (string)c!["reason"]!).ToList());
        Assert.Equal("100 ml", (string?)complements[1]!["size"]);
        Assert.Equal("https://img.test/frg-1-100ml.jpg", (string?)complements[1]!["image_url"]);
        Assert.Empty((await TraitsAsync(2))["cart_complements"]!.AsArray());
    }

    [Fact]
    public async Task A_cart_last_added_on_the_web_is_offered_in_the_app_where_the_person_came_back()
    {
        var anna = await TraitsAsync(1);
        // The latest add was on the web (10-25); Anna was last seen in the app (10-31).
        Assert.Equal("web", (string?)anna["cart_channel"]);
        Assert.Equal("app", (string?)anna["cart_resume_channel"]);
        // Person 5's cart was added on the web and nothing was seen after: no resume.
        var anonymous = await lake.SqlAsync("SELECT cart_channel, cart_resume_channel FROM gold.person_last_cart WHERE person_id = 5");
        Assert.Equal("web", (string?)Assert.Single(anonymous)!["cart_channel"]);
        Assert.Null(anonymous[0]!["cart_resume_channel"]);
    }

    [Fact]
    public async Task Replenishment_is_due_on_the_last_purchase_plus_usage_days_times_quantity()
    {
        var rows = await lake.SqlAsync(
            "SELECT sku, CAST(due_on AS VARCHAR) AS due_on, days_until_due, is_due FROM gold.person_replenishment WHERE person_id = 1 ORDER BY sku");
        var bySku = rows.ToDictionary(r => (string)r!["sku"]!, r => ((string)r!["due_on"]!, (long)r["days_until_due"]!, (bool)r["is_due"]!));
        Assert.Equal(["BDY-1", "MKP-1", "SKN-1"], bySku.Keys.Order(StringComparer.Ordinal).ToList()); // FRG-1's order was cancelled
        Assert.Equal(("2026-10-29", -2L, true), bySku["SKN-1"]);  // 2026-07-01 + 60 days x 2
        Assert.Equal(("2026-07-31", -92L, true), bySku["BDY-1"]); // 2026-07-01 + 30 days x 1
        Assert.Equal(("2026-11-17", 17L, false), bySku["MKP-1"]); // 2026-05-01 + 200 days: beyond the 14-day horizon

        var due = (await TraitsAsync(1))["replenishment_due"]!.AsArray();
        Assert.Equal(["BDY-1", "SKN-1"], due.Select(i => (string)i!["sku"]!).ToList());
        var ben = (await TraitsAsync(2))["replenishment_due"]!.AsArray();
        Assert.Equal("2026-10-31", (string?)Assert.Single(ben)!["due_on"]); // 2026-09-01 + 30 days x 2
    }

    private Task<CliResult> RunGoldenAsync(params string[] args)
        => CdpCli.RunAsync(["models", "run", "-s", "golden_profiles", "--project-dir", ProfilesFixtureLake.ProjectDir, "--lake", lake.Lake, "--format", "json", .. args]);

    private async Task<List<long>> PersonIdsAsync(string relation)
        => (await lake.SqlAsync($"SELECT person_id FROM {relation} ORDER BY person_id")).Select(r => (long)r!["person_id"]!).ToList();

    private async Task<JsonNode> ProfileAsync(long personId)
    {
        lake.Build.Succeeded();
        return Assert.Single(await lake.SqlAsync($"SELECT * FROM gold.golden_profiles WHERE person_id = {personId}"))!;
    }

    private async Task<JsonNode> TraitsAsync(long personId)
    {
        lake.Build.Succeeded();
        return Assert.Single(await lake.SqlAsync($"SELECT * FROM gold.customer_traits WHERE person_id = {personId}"))!;
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(v => (string)v!).ToList();
}
