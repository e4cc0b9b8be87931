namespace Cdp.Cli.Tests.Support;

/// <summary>
/// A tiny lake for the profile models: the staging tables they read (<c>silver/stg_*</c>) and the identity job's map
/// (<c>silver/identity_person_map</c>), written as Delta tables by <c>cdp lake append</c>, then
/// <c>cdp models build -s path:models/profiles</c> run with the repository's own project (cdp.yml, models/, sql/).
/// Unselected staging models resolve to the fixture tables because the runner exposes every existing table.
/// </summary>
/// <remarks>
/// The persons and what each one is for:
/// <list type="table">
/// <item><term>1 Anna</term><description>every silo: CRM, loyalty card, two orders and a cancelled one, a GBP till
/// transaction, web and app carts on three devices, an email click before an order; email most_frequent, phone
/// most_recent, CRM address over a later shipping address, denied and granted consent at the same time.</description></item>
/// <item><term>2 Ben</term><description>CRM without address or phone, one guest-free order shipped to Lille;
/// contactable by email; converts without email.</description></item>
/// <item><term>3 Chloé</term><description>an invalid CRM email, email marketing granted on her customer number: not
/// contactable by email.</description></item>
/// <item><term>4 Dana</term><description>email marketing granted, then unsubscribed at the email platform.</description></item>
/// <item><term>5</term><description>anonymous: a cookie and a web session with a cart; no profile.</description></item>
/// <item><term>6 Eve</term><description>two emails seen once each: the tie goes to the later one (loyalty).</description></item>
/// </list>
/// The latest activity is 2026-10-31, the default as-of day.
/// </remarks>
public sealed class ProfilesFixtureLake : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public string Lake => _dir.Path("lake");

    /// <summary>The output of the build, for the tests to show when an assertion fails.</summary>
    public CliResult Build { get; private set; } = new(0, "", "");

    public static string ProjectDir => Cdp.Testing.RepositoryPaths.Root;

    public async Task InitializeAsync()
    {
        foreach (var (table, sql) in Tables) await WriteAsync(table, sql);
        Build = await CdpCli.RunAsync("models", "build", "-s", "path:models/profiles", "--project-dir", ProjectDir, "--lake", Lake,
            "--threads", "2", "--format", "json");
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    /// <summary><c>cdp sql</c> over the fixture lake, which must succeed.</summary>
    public async Task<System.Text.Json.Nodes.JsonArray> SqlAsync(string query)
        => (await CdpCli.RunAsync("sql", query, "--lake", Lake, "--format", "json")).Succeeded().JsonArray();

    private async Task WriteAsync(string table, string selectSql)
    {
        var parquet = await Inputs.ParquetAsync(_dir.Path(Path.Combine("inputs", table + ".parquet")), selectSql);
        (await CdpCli.RunAsync("lake", "append", Path.Combine(Lake, "silver", table), parquet, "--format", "json")).Succeeded();
    }

    private static string Ts(string value) => $"TIMESTAMPTZ '{value}+00'";

    private static readonly (string Table, string Sql)[] Tables =
    [
        ("identity_person_map", $"""
            SELECT person_id::BIGINT AS person_id, identifier_type, identifier_value, person_id::BIGINT AS origin_person_id,
                   identifier_type IN ('cookie', 'device') AS is_soft,
                   CASE WHEN identifier_type IN ('customer_number', 'email', 'phone', 'loyalty_card') THEN 'anchor'
                        WHEN identifier_type IN ('cookie', 'device') THEN 'soft' ELSE 'record' END AS identifier_role,
                   {Ts("2024-01-01 00:00:00")} AS first_seen_at, {Ts("2026-11-01 00:00:00")} AS updated_at
            FROM (VALUES
                (1, 'customer_number', 'C1'), (1, 'email', 'anna@crm.test'), (1, 'email', 'anna@shop.test'),
                (1, 'phone', '+33611111111'), (1, 'phone', '+33622222222'), (1, 'loyalty_card', 'L1'),
                (1, 'order_id', 'O1'), (1, 'order_id', 'O2'), (1, 'order_id', 'O3'), (1, 'store_transaction', 'T1'),
                (1, 'cookie', 'K1'), (1, 'cookie', 'K2'), (1, 'device', 'D1'),
                (1, 'web_session', 'W1'), (1, 'web_session', 'W2'), (1, 'app_session', 'A1'),
                (2, 'customer_number', 'C2'), (2, 'email', 'ben@crm.test'), (2, 'order_id', 'O5'),
                (3, 'customer_number', 'C3'),
                (4, 'customer_number', 'C4'), (4, 'email', 'dana@crm.test'),
                (5, 'cookie', 'K9'), (5, 'web_session', 'W9'),
                (6, 'customer_number', 'C6'), (6, 'loyalty_card', 'L6'), (6, 'email', 'eve@old.test'), (6, 'email', 'eve@new.test')
            ) AS t(person_id, identifier_type, identifier_value)
            """),
        ("stg_crm_customers", $"""
            SELECT customer_number, first_name, last_name, email_raw, email, phone, street, postcode, city, country,
                   birth_date::DATE AS birth_date, created_at, email_raw IS NOT NULL AND email IS NULL AS email_invalid
            FROM (VALUES
                ('C1', 'Anna', 'Martin', 'anna@crm.test', 'anna@crm.test', '+33611111111', '1 rue Alpha', '75001', 'Paris', 'FR', '1990-01-02', {Ts("2025-01-01 12:00:00")}),
                ('C2', 'Ben', 'Durand', 'ben@crm.test', 'ben@crm.test', NULL, NULL, NULL, NULL, 'FR', NULL, {Ts("2024-06-01 12:00:00")}),
                ('C3', 'Chloé', 'Petit', 'n/a', NULL, NULL, NULL, NULL, NULL, 'FR', NULL, {Ts("2024-06-01 12:00:00")}),
                ('C4', 'Dana', 'Roux', 'dana@crm.test', 'dana@crm.test', NULL, NULL, NULL, NULL, 'FR', NULL, {Ts("2024-06-01 12:00:00")}),
                ('C6', 'Eve', 'Blanc', 'eve@old.test', 'eve@old.test', NULL, NULL, NULL, NULL, 'FR', NULL, {Ts("2025-01-01 12:00:00")})
            ) AS t(customer_number, first_name, last_name, email_raw, email, phone, street, postcode, city, country, birth_date, created_at)
            """),
        ("stg_loyalty_members", $"""
            SELECT card_number, customer_number, email, phone, enrolled_at
            FROM (VALUES
                ('L1', 'C1', 'anna@shop.test', '+33622222222', {Ts("2026-01-01 12:00:00")}),
                ('L6', 'C6', 'eve@new.test', NULL, {Ts("2025-06-01 12:00:00")})
            ) AS t(card_number, customer_number, email, phone, enrolled_at)
            """),
        ("stg_eshop_orders", $"""
            SELECT order_id, channel, ordered_at, customer_number, email, customer_number IS NULL AS is_guest, currency,
                   total::DOUBLE AS total, shipping_fee::DOUBLE AS shipping_fee, shipping_postcode, shipping_city, shipping_country, status
            FROM (VALUES
                ('O1', 'web', {Ts("2026-03-01 12:00:00")}, 'C1', NULL, 'EUR', 54.9, 4.9, '75001', 'Paris', 'FR', 'delivered'),
                ('O2', 'web', {Ts("2026-05-01 12:00:00")}, NULL, 'anna@shop.test', 'EUR', 30.0, 0.0, '69001', 'Lyon', 'FR', 'delivered'),
                ('O3', 'app', {Ts("2026-06-01 12:00:00")}, 'C1', NULL, 'EUR', 100.0, 0.0, '69001', 'Lyon', 'FR', 'cancelled'),
                ('O5', 'web', {Ts("2026-09-01 12:00:00")}, 'C2', 'ben@crm.test', 'EUR', 20.0, 0.0, '59000', 'Lille', 'FR', 'delivered')
            ) AS t(order_id, channel, ordered_at, customer_number, email, currency, total, shipping_fee, shipping_postcode, shipping_city, shipping_country, status)
            """),
        ("stg_eshop_order_lines", """
            SELECT order_id, line_number::BIGINT AS line_number, sku, size, quantity::BIGINT AS quantity, unit_price::DOUBLE AS unit_price,
                   (quantity * unit_price)::DOUBLE AS line_amount
            FROM (VALUES
                ('O1', 1, 'SKN-1', '50 ml', 1, 50.0),
                ('O2', 1, 'MKP-1', 'std', 1, 30.0),
                ('O3', 1, 'FRG-1', '50 ml', 1, 100.0),
                ('O5', 1, 'BDY-1', '200 ml', 2, 10.0)
            ) AS t(order_id, line_number, sku, size, quantity, unit_price)
            """),
        ("stg_store_transactions", $"""
            SELECT transaction_id, line_number::BIGINT AS line_number, 'ST1' AS store_id, sold_at, loyalty_card, sku, size,
                   quantity::BIGINT AS quantity, unit_price::DOUBLE AS unit_price, (quantity * unit_price)::DOUBLE AS line_amount, currency
            FROM (VALUES
                ('T1', 1, {Ts("2026-07-01 12:00:00")}, 'L1', 'SKN-1', '50 ml', 2, 20.0, 'GBP'),
                ('T1', 2, {Ts("2026-07-01 12:00:00")}, 'L1', 'BDY-1', '200 ml', 1, 10.0, 'GBP')
            ) AS t(transaction_id, line_number, sold_at, loyalty_card, sku, size, quantity, unit_price, currency)
            """),
        ("stg_web_events", $"""
            SELECT event_id, event_at, event_type, cookie_id, session_id, sku, size, quantity::BIGINT AS quantity
            FROM (VALUES
                ('w1', {Ts("2026-10-01 10:00:00")}, 'add_to_cart', 'K1', 'W1', 'FRG-1', '50 ml', 1),
                ('w2', {Ts("2026-10-01 10:05:00")}, 'checkout', 'K1', 'W1', NULL, NULL, NULL),
                ('w3', {Ts("2026-10-25 12:00:00")}, 'add_to_cart', 'K2', 'W2', 'MKP-1', 'std', 1),
                ('w9', {Ts("2026-10-26 12:00:00")}, 'add_to_cart', 'K9', 'W9', 'SKN-1', '50 ml', 1)
            ) AS t(event_id, event_at, event_type, cookie_id, session_id, sku, size, quantity)
            """),
        ("stg_app_events", $"""
            SELECT event_id, event_at, event_type, device_id, session_id, sku, size, quantity::BIGINT AS quantity
            FROM (VALUES
                ('a1', {Ts("2026-10-20 09:00:00")}, 'add_to_cart', 'D1', 'A1', 'BDY-1', '200 ml', 1),
                ('a2', {Ts("2026-10-31 12:00:00")}, 'page_view', 'D1', 'A1', NULL, NULL, NULL)
            ) AS t(event_id, event_at, event_type, device_id, session_id, sku, size, quantity)
            """),
        ("stg_email_engagement", $"""
            SELECT event_type, email, false AS email_invalid, 'CMP1' AS campaign_id, event_at
            FROM (VALUES
                ('send', 'anna@shop.test', {Ts("2026-04-27 08:00:00")}),
                ('click', 'anna@shop.test', {Ts("2026-04-28 08:00:00")}),
                ('unsubscribe', 'dana@crm.test', {Ts("2026-02-01 12:00:00")})
            ) AS t(event_type, email, event_at)
            """),
        ("stg_consents", $"""
            SELECT identifier_type, identifier_value, channel, purpose, granted, decided_at, consent_source
            FROM (VALUES
                ('email', 'anna@shop.test', 'email', 'marketing', true, {Ts("2026-02-01 10:00:00")}, 'eshop_checkout'),
                ('customer_number', 'C1', 'email', 'marketing', false, {Ts("2026-02-01 10:00:00")}, 'preference_centre'),
                ('phone', '+33611111111', 'sms', 'marketing', false, {Ts("2025-06-01 10:00:00")}, 'crm_signup'),
                ('phone', '+33622222222', 'sms', 'marketing', true, {Ts("2026-01-01 10:00:00")}, 'store'),
                ('customer_number', 'C1', 'ads', 'ad_user_data', true, {Ts("2026-01-01 10:00:00")}, 'crm_signup'),
                ('customer_number', 'C1', 'ads', 'ad_personalization', false, {Ts("2026-01-01 10:00:00")}, 'crm_signup'),
                ('email', 'ben@crm.test', 'email', 'marketing', false, {Ts("2024-06-01 10:00:00")}, 'crm_signup'),
                ('email', 'ben@crm.test', 'email', 'marketing', true, {Ts("2026-03-01 10:00:00")}, 'preference_centre'),
                ('email', 'ben@crm.test', 'ads', 'ad_user_data', true, {Ts("2026-03-01 10:00:00")}, 'preference_centre'),
                ('email', 'ben@crm.test', 'ads', 'ad_personalization', true, {Ts("2026-03-01 10:00:00")}, 'preference_centre'),
                ('customer_number', 'C3', 'email', 'marketing', true, {Ts("2026-03-01 10:00:00")}, 'crm_signup'),
                ('email', 'dana@crm.test', 'email', 'marketing', true, {Ts("2026-01-01 10:00:00")}, 'crm_signup')
            ) AS t(identifier_type, identifier_value, channel, purpose, granted, decided_at, consent_source)
            """),
        ("stg_products", """
            SELECT sku, name, category, size, usage_days::BIGINT AS usage_days, price::DOUBLE AS price, 'EUR' AS currency,
                   stock::BIGINT AS stock, 'https://img.test/' || lower(sku) || '-' || replace(size, ' ', '') || '.jpg' AS image_url
            FROM (VALUES
                ('SKN-1', 'Day Cream', 'skincare', '50 ml', 60, 20.0, 7),
                ('BDY-1', 'Shower Gel', 'body', '200 ml', 30, 10.0, 0),
                ('MKP-1', 'Lipstick', 'makeup', 'std', 200, 30.0, 5),
                ('FRG-1', 'Eau de Parfum', 'fragrance', '50 ml', 180, 60.0, 0),
                ('FRG-1', 'Eau de Parfum', 'fragrance', '100 ml', 300, 90.0, 3)
            ) AS t(sku, name, category, size, usage_days, price, stock)
            """),
        // The cart's suggestions: BDY-1 and MKP-1 both point at SKN-1 (the stronger reason wins), MKP-1 at FRG-1 (only
        // its 100 ml is in stock), BDY-1 at MKP-1 (already in the cart: not suggested).
        ("stg_product_complements", """
            SELECT sku, complement_sku, reason, strength::DOUBLE AS strength
            FROM (VALUES
                ('BDY-1', 'SKN-1', 'routine', 0.8),
                ('MKP-1', 'SKN-1', 'prep', 0.3),
                ('MKP-1', 'FRG-1', 'evening look', 0.5),
                ('BDY-1', 'MKP-1', 'bundle', 0.9)
            ) AS t(sku, complement_sku, reason, strength)
            """),
    ];
}
