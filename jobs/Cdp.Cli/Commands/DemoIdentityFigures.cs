using System.Globalization;
using Cdp.Engine;

namespace Cdp.Cli.Commands;

/// <summary>Identity resolution scored against the demo brand's ground truth (<c>demo-data/truth</c>).</summary>
/// <param name="Precision">Pairwise: of the record pairs put in one person, the share that truly are one person.</param>
/// <param name="Recall">Pairwise: of the record pairs that truly are one person, the share put in one person.</param>
/// <param name="Records">Identified records scored (see <see cref="DemoIdentityFigures"/>).</param>
/// <param name="RecallAllRecords">The same recall counting anonymous browsing sessions (never logged in) too.</param>
public sealed record IdentityScore(double Precision, double Recall, long Records, double RecallAllRecords);

/// <summary>Recent buyers reachable per channel with a granted consent: one-hop joins only (before) vs the resolved person (after).</summary>
public sealed record Contactability(string Channel, long Before, long After);

/// <summary>
/// The identity figures <c>cdp demo</c> prints. Scored records are the identified ones: CRM customers, loyalty
/// members, orders, till transactions with a loyalty card, and web/app sessions with a login or a checkout (a session
/// that never identifies itself cannot be attributed by any deterministic system; a second recall counts them too).
/// Contactability counts true people who bought in the last 365 days and can be reached on a channel through a
/// consented identifier: before resolution through the purchase record's own keys and one join on them (order to
/// CRM by customer number, till transaction to loyalty member by card), after through everything their person holds.
/// </summary>
public static class DemoIdentityFigures
{
    private const string Map = "silver.identity_person_map";

    public static async Task<IdentityScore> ScoreAsync(DuckDbEngine engine, string truthRecords, CancellationToken ct)
    {
        var row = (await engine.QueryAsync($"""
            with truth as ({TruthRecords(truthRecords)}),
            identified_sessions as (
                select left_type as type, left_value as value from silver.identity_edges
                where rule in ('web_login', 'web_checkout', 'app_login', 'app_checkout') group by all
            ),
            scored as (
                select t.truth, m.person_id,
                       t.type not in ('web_session', 'app_session') or exists (select 1 from identified_sessions s where s.type = t.type and s.value = t.value) as identified
                from truth t join {Map} m on m.identifier_type = t.type and m.identifier_value = t.value
            ),
            scoped as (
                select 'identified' as scope, truth, person_id from scored where identified
                union all
                select 'all', truth, person_id from scored
            ),
            both_ as (select scope, sum(n * (n - 1) / 2) as pairs from (select scope, count(*) as n from scoped group by scope, truth, person_id) group by scope),
            predicted as (select scope, sum(n * (n - 1) / 2) as pairs from (select scope, count(*) as n from scoped group by scope, person_id) group by scope),
            actual as (select scope, sum(n * (n - 1) / 2) as pairs from (select scope, count(*) as n from scoped group by scope, truth) group by scope)
            select max(b.pairs / p.pairs) filter (where b.scope = 'identified'), max(b.pairs / a.pairs) filter (where b.scope = 'identified'),
                   (select count(*) from scored where identified), max(b.pairs / a.pairs) filter (where b.scope = 'all')
            from both_ b join predicted p using (scope) join actual a using (scope)
            """, ct)).Rows[0];
        return new IdentityScore(D(row[0]), D(row[1]), Convert.ToInt64(row[2], CultureInfo.InvariantCulture), D(row[3]));
    }

    public static async Task<IReadOnlyList<Contactability>> ContactabilityAsync(DuckDbEngine engine, string truthRecords, CancellationToken ct)
    {
        var rows = await engine.QueryAsync($"""
            with latest as (
                select identifier_type, identifier_value, channel, purpose, arg_max(granted, decided_at) as granted
                from silver.stg_consents group by all
            ),
            reachable as (
                select identifier_type, identifier_value, 'email' as channel from latest where channel = 'email' and purpose = 'marketing' and granted
                union
                select identifier_type, identifier_value, 'sms' from latest where channel = 'sms' and purpose = 'marketing' and granted
                union
                select identifier_type, identifier_value, 'ads' from latest where channel = 'ads' and purpose in ('ad_user_data', 'ad_personalization')
                group by identifier_type, identifier_value having bool_and(granted) and count(distinct purpose) = 2
            ),
            horizon as (select max(ordered_at) - interval 365 day as since from silver.stg_eshop_orders),
            purchases as (
                select 'order_id' as type, order_id as value, customer_number, email, null::VARCHAR as card
                from silver.stg_eshop_orders where ordered_at >= (select since from horizon)
                union all
                select 'store_transaction', transaction_id, null, null, any_value(loyalty_card)
                from silver.stg_store_transactions where sold_at >= (select since from horizon) group by transaction_id
            ),
            one_hop as (
                select p.type, p.value, 'email' as id_type, p.email as id_value from purchases p where p.email is not null
                union all select p.type, p.value, 'customer_number', p.customer_number from purchases p where p.customer_number is not null
                union all select p.type, p.value, 'email', c.email from purchases p join silver.stg_crm_customers c on c.customer_number = p.customer_number
                union all select p.type, p.value, 'phone', c.phone from purchases p join silver.stg_crm_customers c on c.customer_number = p.customer_number
                union all select p.type, p.value, 'email', l.email from purchases p join silver.stg_loyalty_members l on l.card_number = p.card
                union all select p.type, p.value, 'phone', l.phone from purchases p join silver.stg_loyalty_members l on l.card_number = p.card
                union all select p.type, p.value, 'customer_number', l.customer_number from purchases p join silver.stg_loyalty_members l on l.card_number = p.card
            ),
            resolved as (
                select p.type, p.value, o.identifier_type as id_type, o.identifier_value as id_value
                from purchases p
                join {Map} m on m.identifier_type = p.type and m.identifier_value = p.value
                join {Map} o on o.person_id = m.person_id
            ),
            truth as (
                select case silo when 'eshop.orders' then 'order_id' else 'store_transaction' end as type, record_key as value, person_id as truth
                from read_csv({Sql.Literal(truthRecords)}, all_varchar = true) where silo in ('eshop.orders', 'stores.transactions')
            ),
            reached as (
                select 'before' as stage, r.channel, t.truth from one_hop h
                join reachable r on r.identifier_type = h.id_type and r.identifier_value = h.id_value
                join truth t on t.type = h.type and t.value = h.value
                union
                select 'after', r.channel, t.truth from resolved h
                join reachable r on r.identifier_type = h.id_type and r.identifier_value = h.id_value
                join truth t on t.type = h.type and t.value = h.value
            )
            select c.channel, count(distinct truth) filter (where stage = 'before'), count(distinct truth) filter (where stage = 'after')
            from (values ('email'), ('sms'), ('ads')) c(channel) left join reached r on r.channel = c.channel
            group by c.channel order by c.channel
            """, ct);
        return rows.Rows.Select(r => new Contactability((string)r[0]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture), Convert.ToInt64(r[2], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The ground truth's records as identifiers of the person map: type, value and the true person (<c>truth</c>).</summary>
    public static string TruthRecords(string truthRecords) => $"""
        select case silo when 'crm.customers' then 'customer_number' when 'loyalty.members' then 'loyalty_card'
                         when 'eshop.orders' then 'order_id' when 'stores.transactions' then 'store_transaction'
                         when 'web.sessions' then 'web_session' when 'app.sessions' then 'app_session' end as type,
               record_key as value, person_id as truth
        from read_csv({Sql.Literal(truthRecords)}, all_varchar = true) where silo not like 'id.%'
        """;

    private static double D(object? value) => value is null ? 0 : Convert.ToDouble(value, CultureInfo.InvariantCulture);
}
