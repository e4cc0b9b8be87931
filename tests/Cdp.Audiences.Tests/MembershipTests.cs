using System.Globalization;
using Cdp.Audiences.Compilation;
using Cdp.Audiences.Definitions;
using Cdp.Audiences.Membership;

namespace Cdp.Audiences.Tests;

/// <summary>Builds published to a temp lake: consent per channel, holdouts, versions, summaries and overlap.</summary>
public class MembershipTests : IDisposable
{
    private readonly AudienceLake _lake = new();

    public void Dispose() => _lake.Dispose();

    private Task<AudienceBuild> BuildAsync(string yaml) => _lake.Builder().BuildAsync(AudienceLake.Definitions(yaml), AudienceRelations.Gold, new BuildOptions(AudienceLake.AsOf));

    private async Task<Dictionary<long, object?[]>> RowsAsync(string audience, string columns, long? version = null)
    {
        var relation = await AudienceMembership.RelationAsync(_lake.Engine, _lake.Open(AudienceBuilder.MembersTable), version);
        var result = await _lake.Engine.QueryAsync($"SELECT person_id, {columns} FROM {relation} AS m WHERE audience = {Engine.Sql.Literal(audience)}");
        return result.Rows.ToDictionary(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture), r => r.Skip(1).ToArray());
    }

    [Fact]
    public async Task AnAudienceCanTakeItsPeopleFromASqlModel()
    {
        // An analyst's SQL model built into gold (any relation with person_id), combined with a declared condition.
        _lake.Run("CREATE TABLE gold.lapsed_store_vips AS SELECT * FROM (VALUES (1::BIGINT), (4), (5)) AS t(person_id)");
        await BuildAsync("""
            definitions:
              from_sql: {channels: [email], fields: [email], where: {model: lapsed_store_vips}}
              from_sql_buyers: {channels: [email], fields: [email], where: {all: [{model: gold.lapsed_store_vips}, {column: purchase_count, op: '>=', value: 5}]}}
            """);
        Assert.Equal([1L, 4L, 5L], (await RowsAsync("from_sql", "email")).Keys.Order());
        Assert.Equal([1L, 4L], (await RowsAsync("from_sql_buyers", "email")).Keys.Order());

        // A model that was not built, or has no person_id, is an error naming the audience and the YAML path.
        _lake.Run("CREATE TABLE gold.no_people AS SELECT 1 AS customer");
        var e = await Assert.ThrowsAsync<AudienceException>(() => BuildAsync("definitions: {a: {where: {model: not_built}}, b: {where: {any: [{model: gold.no_people}]}}}"));
        Assert.Contains("audiences.definitions.a.where", e.Message, StringComparison.Ordinal);
        Assert.Contains("no relation gold.not_built with a person_id column", e.Message, StringComparison.Ordinal);
        Assert.Contains("no relation gold.no_people with a person_id column", e.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<AudienceException>(() => AudienceLake.Definitions("definitions: {c: {where: {model: 'gold.x; DROP TABLE y'}}}"));
        Assert.Contains("audiences.definitions.c.where.model", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachChannelNeedsItsOwnConsentAndAnAddress()
    {
        var build = await BuildAsync("definitions: {everyone: {channels: [email, sms, ads], fields: [email, phone, first_name], where: {all: []}}}");
        var rows = await RowsAsync("everyone", "contactable_email, contactable_sms, contactable_ads, holdout, email");
        Assert.Equal(5, rows.Count);
        // Person: email (email/marketing + address), sms (sms/marketing + phone), ads (both ads purposes + email or phone).
        Assert.Equal(new object?[] { true, false, true, false }, rows[1][..4]);   // sms denied
        Assert.Equal(new object?[] { false, false, false, false }, rows[2][..4]); // email denied, no sms decision, one ads purpose only
        Assert.Equal(new object?[] { true, true, false, false }, rows[3][..4]);   // ad_personalization denied
        Assert.Equal(new object?[] { false, true, true, false }, rows[4][..4]);   // email consent but no address
        Assert.Equal(new object?[] { false, false, false, false }, rows[5][..4]); // never asked
        Assert.Equal("o'b@example.com", rows[3][4]);
        var summary = Assert.Single(build.Audiences);
        Assert.Equal((5L, 0L, 2L, 2L, 2L), (summary.Members, summary.Holdouts, summary.ContactableEmail, summary.ContactableSms, summary.ContactableAds));
    }

    [Fact]
    public async Task OnlyTheAudiencesChannelsAreContactable()
    {
        await BuildAsync("definitions: {sms_only: {channels: [sms], where: {all: []}}}");
        var rows = await RowsAsync("sms_only", "contactable_email, contactable_sms, contactable_ads");
        Assert.All(rows.Values, r => Assert.Equal((false, false), ((bool)r[0]!, (bool)r[2]!)));
        Assert.Equal(new long[] { 3, 4 }, rows.Where(r => (bool)r.Value[1]!).Select(r => r.Key).Order().ToArray());
    }

    [Fact]
    public async Task HoldoutMembersAreFlaggedAndNeverContactable()
    {
        var build = await BuildAsync("""
            holdout: {percent: 20, salt: global-test}
            definitions: {everyone: {channels: [email, sms, ads], holdout: {percent: 50, salt: s1}, where: {all: []}}}
            """);
        var rows = await RowsAsync("everyone", "holdout, holdout_group, contactable_email, contactable_sms, contactable_ads");
        var expectedHeld = new long[] { 1, 2, 3, 4, 5 }
            .Where(p => Holdout.IsHeldOut(new HoldoutSettings(20, "global-test"), p) || Holdout.IsHeldOut(new HoldoutSettings(50, "s1"), p)).ToArray();
        Assert.NotEmpty(expectedHeld);
        Assert.Equal(expectedHeld, rows.Where(r => (bool)r.Value[0]!).Select(r => r.Key).Order().ToArray());
        foreach (var (person, row) in rows)
        {
            var global = Holdout.IsHeldOut(new HoldoutSettings(20, "global-test"), person);
            Assert.Equal(global ? "global" : (bool)row[0]! ? "audience" : null, row[1]);
            if ((bool)row[0]!) Assert.Equal(new object?[] { false, false, false }, row[2..]);
        }
        Assert.Equal(expectedHeld.Length, Assert.Single(build.Audiences).Holdouts);
    }

    [Fact]
    public async Task HoldoutStatusDoesNotChangeWhenOtherPeopleMerge()
    {
        const string yaml = "holdout: {percent: 30, salt: g}\ndefinitions: {everyone: {channels: [email], holdout: 40, where: {all: []}}}";
        await BuildAsync(yaml);
        var before = await RowsAsync("everyone", "holdout");
        // Persons 2 and 3 merge into person 1 (their rows disappear), and a new person arrives.
        _lake.Run("DELETE FROM gold.customer_profiles WHERE person_id IN (2, 3); INSERT INTO gold.customer_profiles (person_id, country) VALUES (99, 'FR')");
        await BuildAsync(yaml);
        var after = await RowsAsync("everyone", "holdout");
        Assert.Equal(new long[] { 1, 4, 5, 99 }, after.Keys.Order().ToArray());
        foreach (var person in new long[] { 1, 4, 5 }) Assert.Equal(before[person][0], after[person][0]);
    }

    [Fact]
    public async Task EveryBuildIsAVersionAndPastMembershipsReadBack()
    {
        var first = await BuildAsync("definitions: {fr: {channels: [email], fields: [first_name], where: {column: country, op: '=', value: FR}}}");
        _lake.Run("UPDATE gold.customer_profiles SET country = 'FR' WHERE person_id = 2");
        var second = await BuildAsync("definitions: {fr: {channels: [email], fields: [first_name], where: {column: country, op: '=', value: FR}}}");
        var third = await BuildAsync("definitions: {fr: {channels: [email], fields: [first_name, country], where: {column: revenue, op: '>=', value: 500}}}");
        Assert.True(first.MembersVersion < second.MembersVersion && second.MembersVersion < third.MembersVersion);
        var members = _lake.Open(AudienceBuilder.MembersTable);
        Assert.Equal(new long[] { 1, 4, 5 }, await AudienceMembership.PersonIdsAsync(_lake.Engine, members, "fr", first.MembersVersion));
        Assert.Equal(new long[] { 1, 2, 4, 5 }, await AudienceMembership.PersonIdsAsync(_lake.Engine, members, "fr", second.MembersVersion));
        Assert.Equal(new long[] { 1, 4 }, await AudienceMembership.PersonIdsAsync(_lake.Engine, members, "fr"));
        Assert.Equal(new long[] { 1 }, await AudienceMembership.PersonIdsAsync(_lake.Engine, members, "fr", contactableOn: Channel.Email));
        // The definition hash changes with the definition, not with the data.
        Assert.Equal(first.Audiences[0].DefinitionHash, second.Audiences[0].DefinitionHash);
        Assert.NotEqual(second.Audiences[0].DefinitionHash, third.Audiences[0].DefinitionHash);
        var hashes = await RowsAsync("fr", "definition_hash", first.MembersVersion);
        Assert.All(hashes.Values, h => Assert.Equal(first.Audiences[0].DefinitionHash, h[0]));
        // The summary keeps one row per audience and build.
        var summary = await _lake.Engine.QueryAsync(
            $"SELECT members, members_version FROM ({await Engine.SnapshotScan.BuildAsync(_lake.Engine, _lake.Open(AudienceBuilder.SummaryTable).Store, await _lake.Open(AudienceBuilder.SummaryTable).GetSnapshotAsync())}) ORDER BY members_version");
        Assert.Equal(new[] { (3L, first.MembersVersion), (4L, second.MembersVersion), (2L, third.MembersVersion) },
            summary.Rows.Select(r => (Convert.ToInt64(r[0], CultureInfo.InvariantCulture), Convert.ToInt64(r[1], CultureInfo.InvariantCulture))).ToArray());
    }

    [Fact]
    public async Task HostileAudienceNamesAreStoredVerbatim()
    {
        const string name = "vip'); DROP TABLE gold.person_consents; -- ünï/..\\x";
        var build = await BuildAsync("definitions: {\"vip'); DROP TABLE gold.person_consents; -- ünï/..\\\\x\": {channels: [email], where: {column: revenue, op: '>=', value: 500}}}");
        Assert.Equal(name, Assert.Single(build.Audiences).Audience);
        Assert.Equal(new long[] { 1, 4 }, await AudienceMembership.PersonIdsAsync(_lake.Engine, _lake.Open(AudienceBuilder.MembersTable), name));
        Assert.Equal(14L, Convert.ToInt64((await _lake.Engine.QueryAsync("SELECT count(*) FROM gold.person_consents")).Scalar, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task OverlapCountsSharedMembersAndSumsTheirValue()
    {
        await BuildAsync("""
            definitions:
              french: {where: {column: country, op: '=', value: FR}}
              big: {where: {column: revenue, op: '>=', value: 500}}
              belgian: {where: {column: country, op: '=', value: BE}}
            """);
        var relation = await AudienceMembership.RelationAsync(_lake.Engine, _lake.Open(AudienceBuilder.MembersTable));
        var cells = (await AudienceOverlap.ComputeAsync(_lake.Engine, relation, "gold.customer_scores")).ToDictionary(c => (c.Audience, c.Other));
        Assert.Equal(9, cells.Count);
        Assert.Equal((3L, 1150.0), (cells[("french", "french")].Members, cells[("french", "french")].Value!.Value));
        Assert.Equal((2L, 1100.0), (cells[("french", "big")].Members, cells[("french", "big")].Value!.Value));
        Assert.Equal(cells[("french", "big")], cells[("big", "french")] with { Audience = "french", Other = "big" });
        Assert.Equal((0L, 0.0), (cells[("belgian", "big")].Members, cells[("belgian", "big")].Value!.Value));
        Assert.Equal((1L, 20.0), (cells[("belgian", "belgian")].Members, cells[("belgian", "belgian")].Value!.Value));
        var noScores = await AudienceOverlap.ComputeAsync(_lake.Engine, relation);
        Assert.All(noScores, c => Assert.Null(c.Value));
    }
}
