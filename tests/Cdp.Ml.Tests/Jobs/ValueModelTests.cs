using Cdp.Ml.Btyd;
using Cdp.Ml.Features;
using Cdp.Ml.Jobs;
using Cdp.Ml.Tests.Features;

namespace Cdp.Ml.Tests.Jobs;

public class ValueModelTests
{
    [Fact]
    public async Task Summaries_stop_before_the_cutoff_measure_age_to_it_and_leave_out_refused_profiling()
    {
        await using var lake = await FeatureLake.CreateAsync();
        await lake.BuyAsync(1, "2026-01-01 10:00:00", 10);
        await lake.BuyAsync(1, "2026-01-11 10:00:00", 30);
        await lake.BuyAsync(1, "2026-02-01 00:00:00", 99);   // at the cutoff: not seen
        await lake.BuyAsync(2, "2026-01-31 23:00:00", 5);    // the day before the cutoff: age 1, never 0
        await lake.BuyAsync(3, "2026-01-05 10:00:00", 5);
        await lake.ConsentAsync(3, "profiling", granted: false);

        var summaries = await ValueModel.SummariesAsync(lake.Engine, FeatureLake.Sources, new DateOnly(2026, 2, 1));

        Assert.Equal([1L, 2L], summaries.Keys.Order());
        Assert.Equal(new CustomerSummary("1", 1, 10, 31, 30), summaries[1]);
        Assert.Equal(new CustomerSummary("2", 0, 0, 1, 0), summaries[2]);
    }

    [Fact]
    public void The_registry_artifact_round_trips_and_anything_else_is_a_clear_error()
    {
        var model = new ValueModel(new BgNbdParameters(0.24, 4.41, 0.79, 2.43), new GammaGammaParameters(6.25, 3.74, 15.44), new DateOnly(2026, 11, 1), 2357, 1000, 365);

        var back = ValueModel.FromJson(model.ToJson());

        Assert.Equal(model, back);
        var customer = new CustomerSummary("c", 2, 30.43, 38.86, 20);
        Assert.Equal(model.Score(customer), back.Score(customer));
        Assert.True(back.Score(customer).Value > 0);
        var error = Assert.Throws<InvalidDataException>(() => ValueModel.FromJson("{not json"u8));
        Assert.Contains("not a value model's JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_models_feature_columns_give_back_its_spec_with_todays_category_names()
    {
        var trained = new FeatureSpec(["Body Care", "skincare"]);

        var spec = FeatureSpec.FromColumns(trained.NumericColumns, ["skincare", "Body Care", "makeup"]);

        Assert.Equal(["Body Care", "skincare"], spec.Categories);
        Assert.Equal(trained, spec);
        var renamed = FeatureSpec.FromColumns(trained.NumericColumns, ["skincare"]);
        Assert.Equal(["body_care", "skincare"], renamed.Categories);
        var error = Assert.Throws<ArgumentException>(() => FeatureSpec.FromColumns([.. trained.NumericColumns, "lifetime_value"], []));
        Assert.Contains("lifetime_value", error.Message, StringComparison.Ordinal);
    }
}
