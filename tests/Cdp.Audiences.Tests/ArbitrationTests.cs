using System.Globalization;
using Cdp.Audiences.Compilation;
using Cdp.Audiences.Definitions;
using Cdp.Audiences.Membership;

namespace Cdp.Audiences.Tests;

/// <summary>
/// Channel arbitration at build time, and the channel policies' configuration (arbitration rules and contact caps).
/// Fixture people (see <see cref="AudienceLake"/>): 1 is contactable by email and on ads, 3 by email and sms, 4 by sms
/// and on ads but has no email address, 2 and 5 nowhere.
/// </summary>
public class ArbitrationTests : IDisposable
{
    private const string Rule = "arbitration: [{channel: ads, skip_when_contactable: email, when: {column: preferred_channel, op: '=', value: email}}]";

    private readonly AudienceLake _lake = new();

    public ArbitrationTests()
    {
        // 1 and 4 convert by email; 3 by ads; 2 and 5 have not converted.
        _lake.Run("""
            ALTER TABLE gold.customer_profiles ADD COLUMN preferred_channel VARCHAR;
            UPDATE gold.customer_profiles SET preferred_channel = CASE person_id WHEN 1 THEN 'email' WHEN 4 THEN 'email' WHEN 3 THEN 'ads' END;
            """);
    }

    public void Dispose() => _lake.Dispose();

    private Task<AudienceBuild> BuildAsync(string yaml) => _lake.Builder().BuildAsync(AudienceLake.Definitions(yaml), AudienceRelations.Gold, new BuildOptions(AudienceLake.AsOf));

    private async Task<Dictionary<long, (bool Email, bool Ads, bool ArbitratedAds, bool ArbitratedEmail)>> FlagsAsync(string audience)
    {
        var relation = await AudienceMembership.RelationAsync(_lake.Engine, _lake.Open(AudienceBuilder.MembersTable));
        var rows = await _lake.Engine.QueryAsync(
            $"SELECT person_id, contactable_email, contactable_ads, arbitrated_ads, arbitrated_email FROM {relation} AS m WHERE audience = {Engine.Sql.Literal(audience)}");
        return rows.Rows.ToDictionary(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture), r => ((bool)r[1]!, (bool)r[2]!, (bool)r[3]!, (bool)r[4]!));
    }

    [Fact]
    public async Task AnEmailConverterReachedByEmailIsNotAlsoOnAds()
    {
        var build = await BuildAsync(Rule + """

            definitions:
              everyone: {channels: [email, sms, ads], where: {all: []}}
              ads_only: {channels: [ads], where: {all: []}}
            """);

        var everyone = await FlagsAsync("everyone");
        // Person 1 converts by email and is emailable in this audience: kept off ads, still emailed.
        Assert.Equal((true, false, true, false), everyone[1]);
        // Person 4 converts by email too, but has no email address: nothing reaches them by email, so ads stay.
        Assert.Equal((false, true, false, false), everyone[4]);
        // Person 3 is emailable but converts by ads (and has no ads consent): untouched.
        Assert.Equal((true, false, false, false), everyone[3]);
        var summary = build.Audiences.Single(a => a.Audience == "everyone");
        Assert.Equal((2L, 1L, 1L, 0L, 0L), (summary.ContactableEmail, summary.ContactableAds, summary.ArbitratedAds, summary.ArbitratedEmail, summary.ArbitratedSms));

        // An audience that does not email anyone leaves ads alone: the rule only swaps one contact for another.
        var adsOnly = await FlagsAsync("ads_only");
        Assert.Equal((false, true, false, false), adsOnly[1]);
        Assert.Equal(0, build.Audiences.Single(a => a.Audience == "ads_only").ArbitratedAds);

        // The summary table keeps the counts per build.
        var table = _lake.Open(AudienceBuilder.SummaryTable);
        var scan = await Engine.SnapshotScan.BuildAsync(_lake.Engine, table.Store, await table.GetSnapshotAsync());
        var stored = await _lake.Engine.QueryAsync($"SELECT arbitrated_ads, contactable_ads FROM ({scan}) WHERE audience = 'everyone'");
        Assert.Equal(new object?[] { 1L, 1L }, stored.Rows.Single().Select(v => (object?)Convert.ToInt64(v, CultureInfo.InvariantCulture)).ToArray());
    }

    [Fact]
    public async Task HeldOutMembersStayHeldOutAndAreNotCountedAsArbitrated()
    {
        var build = await BuildAsync(Rule + """

            definitions: {everyone: {channels: [email, ads], holdout: 100, where: {all: []}}}
            """);
        var flags = await FlagsAsync("everyone");
        Assert.All(flags.Values, f => Assert.Equal((false, false, false, false), f));
        Assert.Equal(0, Assert.Single(build.Audiences).ArbitratedAds);
    }

    [Fact]
    public async Task ARuleWithoutWhenAppliesToEveryoneAndRulesChangeOnlyTheHashesTheyApplyTo()
    {
        const string definitions = """
            definitions:
              email_ads: {channels: [email, ads], where: {all: []}}
              sms_only: {channels: [sms], where: {all: []}}
            """;
        var without = await BuildAsync(definitions);
        var with = await BuildAsync("arbitration: [{channel: email, skip_when_contactable: ads}]\n" + definitions);

        // Person 1 is contactable by email and on ads: with an unconditional rule, ads win over email.
        Assert.Equal((false, true, false, true), (await FlagsAsync("email_ads"))[1]);
        Assert.Equal(1, with.Audiences.Single(a => a.Audience == "email_ads").ArbitratedEmail);
        string Hash(AudienceBuild b, string name) => b.Audiences.Single(a => a.Audience == name).DefinitionHash;
        Assert.NotEqual(Hash(without, "email_ads"), Hash(with, "email_ads"));
        Assert.Equal(Hash(without, "sms_only"), Hash(with, "sms_only"));
    }

    [Fact]
    public async Task AWhenOnAnUnknownColumnIsACompileErrorNamingTheRule()
    {
        var compilation = await _lake.CompileAsync(AudienceLake.Definitions("""
            arbitration: [{channel: ads, skip_when_contactable: email, when: {all: [{column: favourite_channel, op: '=', value: email}]}}]
            definitions: {x: {channels: [email, ads], where: {all: []}}}
            """));
        var error = Assert.Single(compilation.Errors);
        Assert.StartsWith("arbitration (cdp.yml: audiences.arbitration[0].when.all[0]): unknown column 'favourite_channel'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigErrorsNameTheYamlPath()
    {
        var error = Assert.Throws<AudienceException>(() => AudienceLake.Definitions("""
            arbitration:
              - {channel: fax, skip_when_contactable: email}
              - {channel: ads, skip_when_contactable: ads, colour: red}
              - {skip_when_contactable: email, when: {column: a, op: like, value: 1}}
              - {channel: sms, skip_when_contactable: email}
              - {channel: email, skip_when_contactable: ads}
              - just text
            pressure:
              email: {contacts: 0, days: 7}
              sms: {contacts: 1, days: 99999, per: week}
              post: {contacts: 1, days: 7}
              ads: 3
            definitions: {x: {where: {all: []}}}
            """));
        Assert.Equal(
            [
                "cdp.yml: audiences.arbitration[0].channel: 'fax' is not a channel (email, sms, ads)",
                "cdp.yml: audiences.arbitration[1].colour: unknown key (use channel, skip_when_contactable, when)",
                "cdp.yml: audiences.arbitration[1].skip_when_contactable: 'ads' is the rule's own channel; name the channel that reaches the person instead",
                "cdp.yml: audiences.arbitration[2].channel: missing (email, sms or ads)",
                "cdp.yml: audiences.arbitration[2].when.op: 'like' is not an operator (use =, !=, <, <=, >, >=, in, not in, is null, is not null, between, contains)",
                "cdp.yml: audiences.arbitration[5]: expected a mapping with channel, skip_when_contactable, when",
                "cdp.yml: audiences.arbitration[3].skip_when_contactable: 'email' is itself turned off by cdp.yml: audiences.arbitration[4]; chained rules could leave a member on neither channel: arbitrate against a channel no rule turns off",
                "cdp.yml: audiences.pressure.email.contacts: '0' is not a whole number of contacts of at least 1",
                "cdp.yml: audiences.pressure.sms.per: unknown key (use contacts, days)",
                "cdp.yml: audiences.pressure.sms.days: '99999' is not a number of days between 1 and 3650",
                "cdp.yml: audiences.pressure.post: 'post' is not a channel (email, sms, ads)",
                "cdp.yml: audiences.pressure.ads: expected {contacts, days}, e.g. {contacts: 2, days: 7}",
            ], error.Errors);
        Assert.Contains("cdp.yml: audiences.pressure: expected a mapping of channel", Assert.Throws<AudienceException>(() => AudienceLake.Definitions("pressure: [email]")).Message, StringComparison.Ordinal);
        Assert.Contains("cdp.yml: audiences.arbitration: expected a list of rules", Assert.Throws<AudienceException>(() => AudienceLake.Definitions("arbitration: {channel: ads}")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PressureReadsIntoContactCaps()
    {
        var set = AudienceLake.Definitions("""
            pressure: {email: {contacts: 2, days: 7}, SMS: {contacts: 1, days: 30}}
            definitions: {x: {where: {all: []}}}
            """);
        Assert.Equal(new ContactCap(2, 7), set.Pressure.For(Channel.Email));
        Assert.Equal(new ContactCap(2, 7), set.Pressure.For("email"));
        Assert.Equal(new ContactCap(1, 30), set.Pressure.For("sms"));
        Assert.Null(set.Pressure.For(Channel.Ads));
        Assert.Null(set.Pressure.For("0"));
        Assert.Null(set.Pressure.For("webhook"));
        Assert.Same(ContactCaps.None, AudienceLake.Definitions("definitions: {x: {where: {all: []}}}").Pressure);
    }
}
