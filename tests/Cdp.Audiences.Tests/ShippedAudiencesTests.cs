using Cdp.Audiences.Compilation;
using Cdp.Audiences.Definitions;
using Cdp.Audiences.Membership;
using Cdp.Modeling;
using Cdp.Testing;

namespace Cdp.Audiences.Tests;

/// <summary>The audiences shipped in the repository's cdp.yml, built over the fixture with the gold columns they use.</summary>
public class ShippedAudiencesTests
{
    private static AudienceSet Shipped()
    {
        var config = CommandLineVars.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "cdp.yml")));
        return AudienceConfig.Read(config["audiences"] as IReadOnlyDictionary<string, object?>);
    }

    private static AudienceLake Lake(bool withScores)
    {
        var lake = new AudienceLake(withScores);
        lake.Run("""
            ALTER TABLE gold.customer_profiles ADD COLUMN last_name VARCHAR;
            ALTER TABLE gold.customer_profiles ADD COLUMN last_purchase_at TIMESTAMPTZ;
            ALTER TABLE gold.customer_profiles ADD COLUMN replenishment_due VARCHAR[];
            ALTER TABLE gold.customer_profiles ADD COLUMN cart_items VARCHAR[];
            ALTER TABLE gold.customer_profiles ADD COLUMN cart_value DOUBLE;
            ALTER TABLE gold.customer_profiles ADD COLUMN cart_updated_at TIMESTAMPTZ;
            ALTER TABLE gold.customer_profiles ADD COLUMN favourite_category VARCHAR;
            ALTER TABLE gold.customer_profiles ADD COLUMN cart_in_stock_item_count BIGINT;
            ALTER TABLE gold.customer_profiles ADD COLUMN cart_complements VARCHAR[];
            ALTER TABLE gold.customer_profiles ADD COLUMN cart_channel VARCHAR;
            ALTER TABLE gold.customer_profiles ADD COLUMN cart_resume_channel VARCHAR;
            -- Person 1's cart has items in stock and was filled on the web before they came back in the app; person 3's
            -- only item is sold out in its size.
            UPDATE gold.customer_profiles SET cart_in_stock_item_count = 2, cart_channel = 'web', cart_resume_channel = 'app' WHERE person_id = 1;
            UPDATE gold.customer_profiles SET cart_in_stock_item_count = 0, cart_channel = 'app' WHERE person_id = 3;
            ALTER TABLE gold.customer_profiles ADD COLUMN preferred_channel VARCHAR;
            UPDATE gold.customer_profiles SET preferred_channel = 'email' WHERE person_id = 1;
            INSERT INTO gold.person_consents VALUES (1, 'email', 'profiling', true), (4, 'email', 'profiling', true), (5, 'email', 'profiling', true);
            -- The browse_abandonment model's rows: person 9 is an anonymous visitor without a profile.
            CREATE TABLE gold.browse_abandonment AS SELECT * FROM (VALUES (2), (3), (9)) AS t(person_id);
            """);
        return lake;
    }

    [Fact]
    public async Task TheShippedAudiencesBuildWithScores()
    {
        using var lake = Lake(withScores: true);
        var set = Shipped();
        Assert.Equal(["win_back", "replenishment_due", "abandoned_cart", "cart_resume", "browse_abandonment", "vip", "till_receipt"], set.Audiences.Select(a => a.Name));
        Assert.Equal(5, set.GlobalHoldout.Percent);
        var build = await lake.Builder().BuildAsync(set, AudienceRelations.Gold, new BuildOptions(AudienceLake.AsOf));
        var members = lake.Open(AudienceBuilder.MembersTable);
        async Task<long[]> Of(string name) => [.. await AudienceMembership.PersonIdsAsync(lake.Engine, members, name)];
        Assert.Equal(new long[] { 1, 4 }, await Of("win_back"));
        Assert.Equal(new long[] { 1, 4 }, await Of("replenishment_due"));
        // Person 3's cart holds only a sold-out size: no reminder.
        Assert.Equal(new long[] { 1 }, await Of("abandoned_cart"));
        Assert.Equal(new long[] { 1 }, await Of("cart_resume"));
        Assert.Equal(new long[] { 4 }, await Of("vip"));
        Assert.Equal(new long[] { 5 }, await Of("till_receipt"));
        // The SQL-model audience: the model's people who have a profile; emailable where the email consent is granted.
        Assert.Equal(new long[] { 2, 3 }, await Of("browse_abandonment"));
        Assert.Equal(new long[] { 3 }, await AudienceMembership.PersonIdsAsync(lake.Engine, members, "browse_abandonment", contactableOn: Channel.Email));
        // Person 1 converts by email and is emailed by win_back: the shipped arbitration keeps them off its ads (person 4,
        // without an email address, stays on ads).
        var winBack = build.Audiences.Single(a => a.Audience == "win_back");
        Assert.Equal(1, winBack.ArbitratedAds);
        Assert.Equal(new long[] { 1 }, await AudienceMembership.PersonIdsAsync(lake.Engine, members, "win_back", contactableOn: Channel.Email));
        Assert.Equal(new long[] { 4 }, await AudienceMembership.PersonIdsAsync(lake.Engine, members, "win_back", contactableOn: Channel.Ads)); // not emailable
        Assert.Equal(new ContactCap(2, 7), set.Pressure.For(Channel.Email));
        // The till export goes to no messaging channel.
        Assert.Equal(0, build.Audiences.Single(a => a.Audience == "till_receipt") is var t ? t.ContactableEmail + t.ContactableSms + t.ContactableAds : -1);
    }

    [Fact]
    public async Task WithoutScoresWinBackIsSkippedAndExcludesNobody()
    {
        using var lake = Lake(withScores: false);
        var builder = lake.Builder();
        var (compilation, _, _) = await builder.CompileAsync(Shipped(), AudienceRelations.Gold, new BuildOptions(AudienceLake.AsOf));
        Assert.Contains("win_back", Assert.Single(compilation.Skipped), StringComparison.Ordinal);
        var build = await builder.BuildAsync(Shipped(), AudienceRelations.Gold, new BuildOptions(AudienceLake.AsOf));
        Assert.DoesNotContain(build.Audiences, a => a.Audience == "win_back");
        Assert.Equal(new long[] { 1, 4, 5 }, await AudienceMembership.PersonIdsAsync(lake.Engine, lake.Open(AudienceBuilder.MembersTable), "till_receipt"));
    }
}
