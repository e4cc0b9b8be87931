using System.Globalization;
using Cdp.Engine;
using Cdp.Ml.Jobs;
using Cdp.Ml.Training;

namespace Cdp.Cli.Commands;

/// <summary>The churn model judged against the demo brand's true churn: whether a person had truly left by the end of the holdout's horizon.</summary>
/// <param name="Auc">AUC of the holdout's churn probabilities against true churn.</param>
/// <param name="People">Holdout people matched to a true person.</param>
/// <param name="Churned">Of them, those truly gone by the end of the horizon.</param>
public sealed record TrueChurnScore(double Auc, int People, int Churned);

/// <summary>ML figures of <c>cdp demo</c> that need the ground truth (<c>demo-data/truth</c>).</summary>
public static class DemoMlFigures
{
    /// <summary>
    /// Matches each holdout person to the true person holding most of their records, and scores the churn
    /// probabilities against <c>churn_date</c> (empty: alive on the as-of date) before the end of the horizon.
    /// </summary>
    public static async Task<TrueChurnScore> TrueChurnAsync(DuckDbEngine engine, string truthFolder, HoldoutEvaluation churn, CancellationToken ct)
    {
        var records = Path.Combine(truthFolder, "records.csv");
        var people = Path.Combine(truthFolder, "people.csv");
        var rows = await engine.QueryAsync($"""
            with truth as ({DemoIdentityFigures.TruthRecords(records)}),
            votes as (
                select m.person_id, t.truth, count(*) as records
                from truth t join silver.identity_person_map m on m.identifier_type = t.type and m.identifier_value = t.value
                group by all
            ),
            matched as (select person_id, arg_max(truth, records) as truth from votes group by person_id)
            select m.person_id, p.churn_date
            from matched m join read_csv({Sql.Literal(people)}, all_varchar = true) p on p.person_id = m.truth
            """, ct);
        var horizonEnd = churn.HoldoutCutoff.AddDays(churn.Target.HorizonDays);
        var churned = rows.Rows.ToDictionary(
            r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture),
            r => r[1] is string day && day.Length > 0 && DateOnly.Parse(day, CultureInfo.InvariantCulture) < horizonEnd);
        var scores = new List<double>();
        var labels = new List<bool>();
        for (var i = 0; i < churn.PersonIds.Count; i++)
        {
            if (!churned.TryGetValue(churn.PersonIds[i], out var gone)) continue;
            scores.Add(churn.Probabilities[i]);
            labels.Add(gone);
        }
        return new TrueChurnScore(BinaryMetrics.Auc(scores, labels), labels.Count, labels.Count(l => l));
    }
}
