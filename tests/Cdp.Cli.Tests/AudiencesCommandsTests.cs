using System.Text.Json.Nodes;
using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary><c>cdp audiences build|ls|show|overlap</c> on the 2,000-people demo lake, whose demo run built the shipped audiences.</summary>
[Collection(Demo2000Collection.Name)]
public sealed class AudiencesCommandsTests(Demo2000Lake demo)
{
    private Task<CliResult> Audiences(params string[] args) => CdpCli.RunAsync(["audiences", .. args, "--project-dir", demo.Project, "--format", "json"]);

    [Fact]
    public async Task The_demo_builds_the_shipped_audiences_on_the_real_gold_tables_within_consent_and_holdouts()
    {
        var step = demo.Demo["steps"]!.AsArray().Single(s => (string)s!["step"]! == "build audiences");
        foreach (var audience in new[] { "win_back", "replenishment_due", "abandoned_cart", "cart_resume", "browse_abandonment", "vip", "till_receipt" })
            Assert.Contains(audience + " ", (string)step!["result"]!, StringComparison.Ordinal);

        var breaches = (await demo.SqlAsync("""
            WITH consent AS (
                SELECT person_id,
                       bool_or(channel = 'email' AND purpose = 'marketing' AND granted) AS email,
                       bool_or(channel = 'sms' AND purpose = 'marketing' AND granted) AS sms,
                       bool_or(channel = 'ads' AND purpose = 'ad_user_data' AND granted) AND bool_or(channel = 'ads' AND purpose = 'ad_personalization' AND granted) AS ads
                FROM gold.person_consents GROUP BY person_id
            )
            SELECT
                count(*) AS members,
                count(*) FILTER (WHERE m.contactable_email AND NOT coalesce(c.email, false)) AS email_without_consent,
                count(*) FILTER (WHERE m.contactable_sms AND NOT coalesce(c.sms, false)) AS sms_without_consent,
                count(*) FILTER (WHERE m.contactable_ads AND NOT coalesce(c.ads, false)) AS ads_without_consent,
                count(*) FILTER (WHERE m.holdout AND (m.contactable_email OR m.contactable_sms OR m.contactable_ads)) AS holdouts_contactable,
                count(*) FILTER (WHERE m.holdout) AS holdouts,
                count(*) FILTER (WHERE m.audience = 'win_back' AND s.churn_probability < 0.6) AS win_back_below_threshold,
                count(*) FILTER (WHERE m.audience IN ('abandoned_cart', 'cart_resume') AND t.cart_in_stock_item_count = 0) AS carts_sold_out,
                count(*) FILTER (WHERE m.audience = 'cart_resume' AND (t.cart_resume_channel IS NULL OR t.cart_resume_channel = t.cart_channel)) AS resume_same_channel
            FROM gold.audience_members m
            LEFT JOIN consent c USING (person_id)
            LEFT JOIN gold.customer_scores s USING (person_id)
            LEFT JOIN gold.customer_traits t USING (person_id)
            """))[0]!;
        // The SQL-model audience is the model's people who have a profile, and the model holds only product viewers
        // who went no further.
        var browse = (await demo.SqlAsync("""
            SELECT
                (SELECT count(*) FROM gold.audience_members WHERE audience = 'browse_abandonment') AS members,
                (SELECT count(*) FROM gold.browse_abandonment WHERE person_id IN (SELECT person_id FROM gold.customer_profiles)) AS expected,
                (SELECT count(*) FROM gold.audience_members WHERE audience = 'browse_abandonment'
                   AND person_id NOT IN (SELECT person_id FROM gold.browse_abandonment)) AS outside,
                (SELECT count(*) FROM gold.browse_abandonment b JOIN gold.person_activity a USING (person_id)
                   WHERE a.activity_type IN ('add_to_cart', 'checkout', 'order', 'store_purchase') AND a.activity_at >= b.first_view_at) AS went_on
            """))[0]!;
        Assert.True((long)browse["members"]! > 10, browse.ToJsonString());
        Assert.Equal((long)browse["expected"]!, (long)browse["members"]!);
        Assert.Equal(0, (long)browse["outside"]!);
        Assert.Equal(0, (long)browse["went_on"]!);

        Assert.True((long)breaches["members"]! > 500, breaches.ToJsonString());
        Assert.True((long)breaches["holdouts"]! > 0, breaches.ToJsonString());
        foreach (var breach in new[] { "email_without_consent", "sms_without_consent", "ads_without_consent", "holdouts_contactable", "win_back_below_threshold", "carts_sold_out", "resume_same_channel" })
            Assert.Equal(0, (long)breaches[breach]!);
    }

    [Fact]
    public async Task Ls_show_and_overlap_report_the_latest_build()
    {
        var list = (await Audiences("ls")).Succeeded().JsonArray();
        Assert.Equal(["abandoned_cart", "browse_abandonment", "cart_resume", "replenishment_due", "till_receipt", "vip", "win_back"],
            list.Select(a => (string)a!["audience"]!).Order(StringComparer.Ordinal));
        var members = list.ToDictionary(a => (string)a!["audience"]!, a => (long)a!["members"]!);
        var counted = (await demo.SqlAsync("SELECT audience, count(*) AS n FROM gold.audience_members GROUP BY audience"))
            .ToDictionary(r => (string)r!["audience"]!, r => (long)r!["n"]!);
        Assert.Equal(counted.OrderBy(kv => kv.Key), members.OrderBy(kv => kv.Key));

        // The arbitration rule keeps ads off for VIPs who prefer email and are reached by email: show counts them.
        var vip = (await Audiences("show", "vip")).Succeeded().JsonObject();
        var arbitrated = (await demo.SqlAsync("SELECT count(*) FILTER (WHERE arbitrated_ads) AS n FROM gold.audience_members WHERE audience = 'vip'"))[0]!;
        Assert.True((long)arbitrated["n"]! > 0, "no VIP was arbitrated off ads: the check below would test nothing");
        Assert.Equal($"ads {(long)arbitrated["n"]!:N0}", (string)vip["arbitrated_off"]!);
        Assert.Equal("-", (string)(await Audiences("show", "till_receipt")).Succeeded().JsonObject()["arbitrated_off"]!);

        var show = (await Audiences("show", "win_back")).Succeeded().JsonObject();
        Assert.Equal("compiles", (string)show["status"]!);
        Assert.Contains("\"churn_probability\" >= 0.6", (string)show["predicate"]!, StringComparison.Ordinal);
        Assert.Equal(members["win_back"], (long)show["members"]!);

        var overlap = (await Audiences("overlap")).Succeeded().JsonArray();
        foreach (var (audience, n) in members)
            Assert.Equal(n, (long)overlap.Single(c => (string)c!["audience"]! == audience && (string)c!["other"]! == audience)!["members"]!);
        var pair = overlap.Single(c => (string)c!["audience"]! == "vip" && (string)c!["other"]! == "win_back")!;
        var both = (await demo.SqlAsync("""
            SELECT count(*) AS n FROM gold.audience_members a JOIN gold.audience_members b USING (person_id)
            WHERE a.audience = 'vip' AND b.audience = 'win_back'
            """))[0]!;
        Assert.Equal((long)both["n"]!, (long)pair["members"]!);
    }

    [Fact]
    public async Task An_unknown_audience_is_an_error_listing_the_defined_ones()
    {
        var unknown = (await CdpCli.RunAsync("audiences", "show", "nobody's", "--project-dir", demo.Project)).Failed(1);
        Assert.Contains("no audience 'nobody's' in cdp.yml", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("win_back", unknown.Stderr, StringComparison.Ordinal);
    }
}
