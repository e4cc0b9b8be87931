using Cdp.Ml.Features;

namespace Cdp.Ml.Tests.Features;

public class PointInTimeFeaturesTests
{
    private static readonly DateOnly Cutoff = new(2026, 3, 1);
    private static readonly FeatureSpec Spec = new(["haircare", "skincare"]);

    private static double Feature(FeatureFrame frame, long person, string column)
        => frame.Numeric[Array.IndexOf(frame.PersonIds, person)][Spec.NumericColumns.ToList().IndexOf(column)];

    [Fact]
    public async Task Recency_frequency_gaps_and_spend_are_measured_back_from_the_cutoff()
    {
        await using var lake = await FeatureLake.CreateAsync();
        await lake.BuyAsync(1, "2026-01-01 12:00:00", 10);
        await lake.BuyAsync(1, "2026-01-21 12:00:00", 30, channel: "store");
        await lake.BuyAsync(1, "2026-02-20 00:00:00", 20, sku: "H1", category: "haircare", usageDays: 30);

        var frame = await TrainingSets.FeaturesAsync(lake.Engine, FeatureLake.Sources, Spec, Cutoff);

        Assert.Equal([1L], frame.PersonIds);
        Assert.Equal(9, Feature(frame, 1, "recency_days"), 6);
        Assert.Equal(58.5, Feature(frame, 1, "tenure_days"), 6);
        Assert.Equal(3, Feature(frame, 1, "purchases"));
        Assert.Equal(60, Feature(frame, 1, "spend_total"), 6);
        Assert.Equal(20, Feature(frame, 1, "spend_avg"), 6);
        Assert.Equal(25, Feature(frame, 1, "gap_mean_days"), 6);   // gaps of 20 and 30 days
        Assert.Equal(30, Feature(frame, 1, "gap_last_days"), 6);
        Assert.Equal(9 / 25.0, Feature(frame, 1, "recency_over_gap"), 6);
        Assert.Equal(1 / 3.0, Feature(frame, 1, "store_share"), 6);
        Assert.Equal(1 / 3.0, Feature(frame, 1, "share_haircare"), 6);
        Assert.Equal(9, Feature(frame, 1, "days_since_haircare"), 6);
        Assert.Equal(38.5, Feature(frame, 1, "days_since_skincare"), 6);
        Assert.Equal("eshop", frame.Categorical[0][0]);
    }

    [Fact]
    public async Task The_query_returns_the_spec_columns_in_the_spec_order()
    {
        await using var lake = await FeatureLake.CreateAsync();
        var columns = await lake.Engine.DescribeAsync(PointInTimeFeatures.Sql(FeatureLake.Sources, Spec, Cutoff));
        Assert.Equal(["person_id", .. Spec.NumericColumns, .. Spec.CategoricalColumns], columns.Select(c => c.Name));
    }

    [Fact]
    public async Task Replenishment_is_due_a_usage_duration_after_the_last_purchase_of_each_product()
    {
        await using var lake = await FeatureLake.CreateAsync();
        await lake.BuyAsync(1, "2026-01-10 10:00:00", 10, sku: "S1", category: "skincare", usageDays: 60);   // due 2026-03-11: in 10 days
        await lake.BuyAsync(1, "2026-01-01 10:00:00", 10, sku: "H1", category: "haircare", usageDays: 45);   // due 2026-02-15: 14 days overdue
        await lake.BuyAsync(1, "2025-11-01 10:00:00", 10, sku: "H2", category: "haircare", usageDays: null); // no usage duration: not replenished

        var frame = await TrainingSets.FeaturesAsync(lake.Engine, FeatureLake.Sources, Spec, Cutoff);

        Assert.Equal(2, Feature(frame, 1, "replenish_products"));
        Assert.Equal(10, Feature(frame, 1, "replenish_next_due_days"));
        Assert.Equal(1, Feature(frame, 1, "replenish_overdue_products"));
        Assert.Equal(1, Feature(frame, 1, "replenish_due_30d"));
        Assert.Equal(10, Feature(frame, 1, "due_days_skincare"));
        Assert.Equal(-14, Feature(frame, 1, "due_days_haircare"));
    }

    [Fact]
    public async Task Engagement_counts_events_in_their_windows_and_missing_means_never()
    {
        await using var lake = await FeatureLake.CreateAsync();
        await lake.BuyAsync(1, "2025-06-01 10:00:00", 10);
        await lake.BuyAsync(2, "2025-06-01 10:00:00", 10);
        await lake.EventAsync(1, "2026-02-27 12:00:00", "web", "add_to_cart");
        await lake.EventAsync(1, "2026-01-15 12:00:00", "app", "page_view");
        await lake.EventAsync(1, "2026-02-01 00:00:00", "email", "email_open");

        var frame = await TrainingSets.FeaturesAsync(lake.Engine, FeatureLake.Sources, Spec, Cutoff);

        Assert.Equal(1, Feature(frame, 1, "web_events_30d"));
        Assert.Equal(0, Feature(frame, 1, "app_events_30d"));
        Assert.Equal(1, Feature(frame, 1, "app_events_90d"));
        Assert.Equal(1.5, Feature(frame, 1, "days_since_visit"), 6);
        Assert.Equal(1, Feature(frame, 1, "cart_adds_30d"));
        Assert.Equal(1, Feature(frame, 1, "email_opens_90d"));
        Assert.Equal(28, Feature(frame, 1, "days_since_email_open"), 6);
        Assert.True(double.IsNaN(Feature(frame, 2, "days_since_visit")), "a person who never visited has no recency of visit");
        Assert.True(double.IsNaN(Feature(frame, 2, "gap_mean_days")), "one purchase has no gap");
        Assert.Equal(0, Feature(frame, 2, "web_events_90d"));
    }

    [Fact]
    public async Task No_feature_reads_data_at_or_after_the_cutoff()
    {
        await using var lake = await FeatureLake.CreateAsync();
        var random = new Random(7);
        for (var person = 1; person <= 40; person++)
        {
            for (var i = 0; i < 6; i++)
            {
                var day = Cutoff.AddDays(-random.Next(1, 400)).ToString("yyyy-MM-dd");
                await lake.BuyAsync(person, $"{day} {random.Next(0, 24):00}:00:00", random.Next(5, 80), channel: random.Next(2) == 0 ? "store" : "eshop",
                    sku: "P" + random.Next(4), category: random.Next(2) == 0 ? "haircare" : "skincare", usageDays: 30 + random.Next(60));
                await lake.EventAsync(person, $"{day} 08:00:00", random.Next(2) == 0 ? "web" : "app", random.Next(2) == 0 ? "add_to_cart" : "page_view");
                await lake.EventAsync(person, $"{day} 09:00:00", "email", random.Next(2) == 0 ? "email_open" : "email_click");
            }
        }
        var before = await TrainingSets.FeaturesAsync(lake.Engine, FeatureLake.Sources, Spec, Cutoff);

        // Everything at the cutoff's first instant or later: purchases of known and new people, events of every kind.
        for (var person = 1; person <= 45; person++)
        {
            foreach (var at in new[] { "2026-03-01 00:00:00", "2026-03-01 00:00:01", "2026-04-15 12:00:00" })
            {
                await lake.BuyAsync(person, at, 999, channel: "store", sku: "P9", category: "haircare", usageDays: 5);
                foreach (var type in new[] { "add_to_cart", "page_view", "email_open", "email_click" })
                    await lake.EventAsync(person, at, type.StartsWith("email", StringComparison.Ordinal) ? "email" : "web", type);
            }
        }
        var after = await TrainingSets.FeaturesAsync(lake.Engine, FeatureLake.Sources, Spec, Cutoff);

        Assert.Equal(40, before.Rows);
        Assert.Equal(before.PersonIds, after.PersonIds);
        for (var r = 0; r < before.Rows; r++)
        {
            Assert.Equal(before.Numeric[r], after.Numeric[r]);
            Assert.Equal(before.Categorical[r], after.Categorical[r]);
        }

        // The same rows one second earlier are seen: the guard is the cutoff, not a coincidence of the data.
        await lake.BuyAsync(1, "2026-02-28 23:59:59", 999);
        var seen = await TrainingSets.FeaturesAsync(lake.Engine, FeatureLake.Sources, Spec, Cutoff);
        Assert.NotEqual(before.Numeric[0], seen.Numeric[0]);
    }

    [Fact]
    public async Task People_who_refused_profiling_are_left_out_whatever_else_they_granted()
    {
        await using var lake = await FeatureLake.CreateAsync();
        foreach (var person in new long[] { 1, 2, 3 }) await lake.BuyAsync(person, "2026-01-01 10:00:00", 10);
        await lake.ConsentAsync(2, "profiling", granted: false);
        await lake.ConsentAsync(2, "marketing", granted: true);
        await lake.ConsentAsync(3, "profiling", granted: true);

        var frame = await TrainingSets.FeaturesAsync(lake.Engine, FeatureLake.Sources, Spec, Cutoff);
        var set = await TrainingSets.BuildAsync(lake.Engine, FeatureLake.Sources, Spec, PredictionTarget.Churn(), [Cutoff]);

        Assert.Equal([1L, 3L], frame.PersonIds);
        Assert.Equal([1L, 3L], set.PersonIds);
    }

    [Fact]
    public async Task Labels_look_only_at_the_horizon_after_the_cutoff()
    {
        await using var lake = await FeatureLake.CreateAsync();
        foreach (var person in new long[] { 1, 2, 3, 4 }) await lake.BuyAsync(person, "2026-01-01 10:00:00", 10);
        await lake.BuyAsync(1, "2026-03-01 00:00:00", 10, sku: "H1", category: "haircare");   // first instant of the horizon
        await lake.BuyAsync(2, "2026-03-30 23:59:59", 10);                                       // last second of a 30-day horizon
        await lake.BuyAsync(3, "2026-03-31 00:00:00", 10);                                       // just after it
        await lake.BuyAsync(5, "2026-03-10 00:00:00", 10);                                       // a new customer: not in the population

        var repurchase = await TrainingSets.BuildAsync(lake.Engine, FeatureLake.Sources, Spec, PredictionTarget.Repurchase(30), [Cutoff]);
        var churn = await TrainingSets.BuildAsync(lake.Engine, FeatureLake.Sources, Spec, PredictionTarget.Churn(30), [Cutoff]);
        var haircare = await TrainingSets.BuildAsync(lake.Engine, FeatureLake.Sources, Spec, PredictionTarget.Repurchase(30, "haircare"), [Cutoff]);

        Assert.Equal([1L, 2L, 3L, 4L], repurchase.PersonIds);
        Assert.Equal([true, true, false, false], repurchase.Table.Labels);
        Assert.Equal([false, false, true, true], churn.Table.Labels);
        Assert.Equal([true, false, false, false], haircare.Table.Labels);
        Assert.Equal("repurchase_haircare", haircare.Target.ModelName);
    }

    [Fact]
    public async Task A_training_set_stacks_several_cutoffs()
    {
        await using var lake = await FeatureLake.CreateAsync();
        await lake.BuyAsync(1, "2025-10-01 10:00:00", 10);
        await lake.BuyAsync(1, "2026-01-15 10:00:00", 10);
        await lake.BuyAsync(2, "2026-01-20 10:00:00", 10);
        var cutoffs = new[] { new DateOnly(2026, 1, 1), new DateOnly(2025, 12, 1) };

        var set = await TrainingSets.BuildAsync(lake.Engine, FeatureLake.Sources, Spec, PredictionTarget.Repurchase(31), cutoffs);

        Assert.Equal([new DateOnly(2025, 12, 1), new DateOnly(2026, 1, 1)], set.Cutoffs);
        Assert.Equal([1L, 1L], set.PersonIds);   // person 2 first buys after both cutoffs
        Assert.Equal([false, true], set.Table.Labels);
        Assert.Equal(set.Cutoffs, set.RowCutoffs);
    }

    [Fact]
    public void Cutoffs_step_back_one_horizon_and_need_a_horizon_of_history()
    {
        var span = new DataSpan(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31));

        var cutoffs = TrainingSets.Cutoffs(span, span.ScoringCutoff, 90, 5);

        Assert.Equal([new DateOnly(2026, 4, 6), new DateOnly(2026, 7, 5), new DateOnly(2026, 10, 3)], cutoffs);
        var error = Assert.Throws<InsufficientHistoryException>(() => TrainingSets.Cutoffs(span, span.ScoringCutoff, 200, 3));
        Assert.Contains("200-day horizon", error.Message, StringComparison.Ordinal);
        Assert.Contains("2026-01-01", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_spec_takes_the_categories_bought_and_an_empty_lake_is_a_clear_error()
    {
        await using var lake = await FeatureLake.CreateAsync();
        var error = await Assert.ThrowsAsync<InsufficientHistoryException>(() => TrainingSets.SpanAsync(lake.Engine, FeatureLake.Sources));
        Assert.Contains("purchases holds no purchase", error.Message, StringComparison.Ordinal);

        await lake.BuyAsync(1, "2026-01-01 10:00:00", 10, category: "Body & Bath");
        var spec = await TrainingSets.SpecAsync(lake.Engine, FeatureLake.Sources);
        Assert.Contains("share_body___bath", spec.NumericColumns);
        Assert.Throws<ArgumentException>(() => new FeatureSpec(["Body Bath", "body_bath"]));
    }

    [Theory]
    [InlineData("churn", "churn", 90)]
    [InlineData("repurchase", "repurchase", 30)]
    [InlineData("repurchase:Skin Care", "repurchase_skin_care", 30)]
    public void Targets_parse_with_their_default_horizons(string text, string model, int horizon)
    {
        var target = PredictionTarget.Parse(text);
        Assert.Equal(model, target.ModelName);
        Assert.Equal(horizon, target.HorizonDays);
        Assert.Throws<ArgumentException>(() => PredictionTarget.Parse("value:x"));
    }
}
