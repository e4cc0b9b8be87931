using Cdp.Engine;
using Cdp.Identity.Matching;

namespace Cdp.Identity.Tests.Matching;

/// <summary>A whole run on a small inline relation: blocking, u sampling, term frequencies, determinism, clusters.</summary>
public sealed class MatcherTests
{
    [Fact]
    public async Task Blocking_unions_the_rules_and_keeps_each_pair_once()
    {
        await using var engine = new DuckDbEngine();
        var result = await Matcher.RunAsync(engine, SmallPeople.Relation(), SmallPeople.Settings());
        var pairs = await engine.QueryAsync($"SELECT count(*), count(DISTINCT (id_l, id_r)), count(*) FILTER (WHERE id_l >= id_r) FROM {result.PairsTable}");
        var expected = await engine.QueryAsync($"""
            SELECT count(*) FROM {MatchSql.InputTable} l JOIN {MatchSql.InputTable} r ON l.id < r.id
            WHERE l.surname = r.surname OR l.dob = r.dob OR l.first_name[1] = r.first_name[1]
            """);
        Assert.Equal(expected.Scalar, pairs.Rows[0][0]);
        Assert.Equal(pairs.Rows[0][0], pairs.Rows[0][1]);
        Assert.Equal(0L, Convert.ToInt64(pairs.Rows[0][2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Convert.ToInt64(expected.Scalar, System.Globalization.CultureInfo.InvariantCulture), result.CandidatePairs);
    }

    [Fact]
    public async Task Planted_duplicates_are_clustered_and_clusters_are_a_partition()
    {
        await using var engine = new DuckDbEngine();
        var result = await Matcher.RunAsync(engine, SmallPeople.Relation(), SmallPeople.Settings());
        var clusters = result.Clusters;
        Assert.Equal(SmallPeople.Rows.Select(r => r.Id).Order(StringComparer.Ordinal), clusters.Select(c => c.RecordId).Order(StringComparer.Ordinal));
        Assert.All(clusters, c => Assert.Contains(clusters, o => o.RecordId == c.ClusterId && o.ClusterId == c.ClusterId));
        string Of(string id) => clusters.Single(c => c.RecordId == id).ClusterId;
        Assert.Equal(Of("1"), Of("2"));
        Assert.Equal(Of("5"), Of("6"));
        Assert.NotEqual(Of("1"), Of("5"));
        Assert.NotEqual(Of("9"), Of("12"));
        Assert.NotEqual(Of("5"), Of("8"));
        var links = await engine.QueryAsync($"SELECT id_l, id_r FROM {result.PairsTable} WHERE match_weight >= {ComparisonSql.Number(result.Parameters.ThresholdWeight)}");
        Assert.Equal(result.Links, links.Rows.Count);
        Assert.All(links.Rows, r => Assert.Equal(Of((string)r[0]!), Of((string)r[1]!)));
    }

    [Fact]
    public async Task The_same_input_and_seed_give_identical_pairs_and_weights()
    {
        var settings = SmallPeople.Settings() with { MaxPairsForU = 40 };
        var (first, firstParameters) = await PairsAsync(settings);
        var (second, secondParameters) = await PairsAsync(settings);
        Assert.Equal(first, second);
        Assert.Equal(Flatten(firstParameters), Flatten(secondParameters));
    }

    [Fact]
    public async Task U_sampling_is_deterministic_for_a_seed()
    {
        var settings = SmallPeople.Settings() with { MaxPairsForU = 40 };
        var a = Flatten((await PairsAsync(settings)).Parameters).Select(x => x.U).ToList();
        var b = Flatten((await PairsAsync(settings)).Parameters).Select(x => x.U).ToList();
        var other = Flatten((await PairsAsync(settings with { Seed = 9 })).Parameters).Select(x => x.U).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
    }

    [Fact]
    public async Task Term_frequency_weighs_a_common_value_match_less_than_a_rare_one()
    {
        // smith is on 4 records, pemberton on 2: agreeing on smith says less.
        var plain = SmallPeople.Settings();
        var adjusted = plain with { Comparisons = [.. plain.Comparisons.Select(c => c.Column == "surname" ? c with { TermFrequency = true } : c)] };
        var (without, _) = await PairsAsync(plain);
        var (with, _) = await PairsAsync(adjusted);
        double Change(string l, string r) => with[(l, r)] - without[(l, r)];
        Assert.True(Change("5", "6") < Change("3", "4"), $"smith {Change("5", "6"):F3} vs pemberton {Change("3", "4"):F3}");
    }

    [Fact]
    public async Task Unknown_columns_and_duplicate_ids_are_named()
    {
        await using var engine = new DuckDbEngine();
        var missing = SmallPeople.Settings() with { UniqueIdColumn = "person_id" };
        var e = await Assert.ThrowsAsync<MatchException>(() => Matcher.RunAsync(engine, SmallPeople.Relation(), missing));
        Assert.Contains("'person_id'", e.Message);
        Assert.Contains("available columns: id, first_name, surname, dob, city", e.Message);

        var duplicate = await Assert.ThrowsAsync<MatchException>(() => Matcher.RunAsync(engine, SmallPeople.Relation() + " UNION ALL SELECT '1', 'x', 'y', NULL, NULL", SmallPeople.Settings()));
        Assert.Contains("'1' appears 2 times", duplicate.Message);

        var badRule = SmallPeople.Settings() with { BlockingRules = ["l.surname = r.surname", "l.postcode = r.postcode"] };
        var rule = await Assert.ThrowsAsync<MatchException>(() => Matcher.RunAsync(engine, SmallPeople.Relation(), badRule));
        Assert.StartsWith("Blocking rule 2 ('l.postcode = r.postcode')", rule.Message);
    }

    [Fact]
    public void Pair_clusters_do_not_depend_on_link_order()
    {
        var random = new Random(11);
        var links = Enumerable.Range(0, 300).Select(_ => (random.Next(200), random.Next(200))).ToList();
        int[] Labels(IEnumerable<(int, int)> order)
        {
            var clusters = new PairClusters(200);
            foreach (var (a, b) in order) clusters.Link(a, b);
            return clusters.Labels();
        }
        var expected = Labels(links);
        Assert.Equal(expected, Labels(links.AsEnumerable().Reverse()));
        Assert.Equal(expected, Labels(links.OrderBy(_ => random.Next())));
        Assert.All(links, l => Assert.Equal(expected[l.Item1], expected[l.Item2]));
        Assert.All(Enumerable.Range(0, 200), i => Assert.True(expected[i] <= i && expected[expected[i]] == expected[i]));
    }

    private static async Task<(Dictionary<(string, string), double> Weights, MatchParameters Parameters)> PairsAsync(MatchSettings settings)
    {
        await using var engine = new DuckDbEngine();
        var result = await Matcher.RunAsync(engine, SmallPeople.Relation(), settings);
        var rows = await engine.QueryAsync($"SELECT id_l, id_r, match_weight FROM {result.PairsTable}");
        return (rows.Rows.ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => (double)r[2]!), result.Parameters);
    }

    private static List<LevelParameters> Flatten(MatchParameters p) => [.. p.Comparisons.SelectMany(c => c.Levels)];
}
