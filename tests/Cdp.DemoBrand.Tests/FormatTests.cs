using System.Globalization;
using Cdp.DemoBrand.Tests.Support;

namespace Cdp.DemoBrand.Tests;

/// <summary>Every file is in the format its silo really exports, and readable by a strict parser.</summary>
public sealed class FormatTests(GeneratedBrand brand) : IClassFixture<GeneratedBrand>
{
    public static TheoryData<string, string> CsvFiles() => new()
    {
        { "crm/customers.csv", "customer_number,first_name,last_name,email,phone,street,postcode,city,country,birth_date,created_at" },
        { "loyalty/members.csv", "card_number,customer_number,email,phone,enrolled_at,home_store_id,tier,points" },
        { "stores/transactions.csv", "transaction_id,line_number,store_id,timestamp,loyalty_card,sku,size,quantity,unit_price,currency" },
        { "stores/stores.csv", "store_id,name,city,postcode,country,format,opened_on,currency" },
        { "consents/consents.csv", "identifier_type,identifier_value,channel,purpose,status,timestamp,source" },
        { "catalog/products.csv", "sku,name,category,size,content,unit,usage_days,price,currency,stock,image_url" },
        { "catalog/complements.csv", "sku,complement_sku,reason,strength" },
        { "truth/records.csv", "silo,record_key,person_id" },
        { "truth/people.csv", "person_id,household_id,signup_date,churn_date,cycle_factor,preferred_channel,category_affinities,country,email_open_rate,activity" },
    };

    [Theory]
    [MemberData(nameof(CsvFiles))]
    public void Every_csv_parses_with_its_header_and_a_full_row_each(string file, string header)
    {
        var table = brand.Csv(file);
        Assert.Equal(header, string.Join(',', table.Header));
        Assert.NotEmpty(table.Rows);
        var bytes = File.ReadAllBytes(brand.PathOf(file));
        Assert.False(bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB, "no byte order mark");
        Assert.Equal((byte)'\n', bytes[^1]);
    }

    [Fact]
    public void Quoted_fields_occur_and_round_trip()
    {
        // Addresses such as "12, avenue de la République" and product names with commas need quoting.
        var streets = brand.Csv("crm/customers.csv").Values("street").ToList();
        Assert.Contains(streets, s => s.Contains(',', StringComparison.Ordinal));
        Assert.Contains(brand.Csv("catalog/products.csv").Values("name"), n => n.Contains(',', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("eshop/orders.jsonl", "order_id")]
    [InlineData("eshop/order_lines.jsonl", "order_id")]
    [InlineData("app/events.jsonl", "device_id")]
    [InlineData("email/engagement.jsonl", "campaign_id")]
    public void Every_json_line_is_an_object(string file, string field)
    {
        var lines = brand.Jsonl(file);
        Assert.NotEmpty(lines);
        Assert.All(lines, o => Assert.False(string.IsNullOrEmpty(GeneratedBrand.Str(o, field))));
    }

    [Fact]
    public void Web_events_are_in_day_partitions_matching_their_timestamp()
    {
        var folders = Directory.GetDirectories(brand.PathOf("web/events"));
        Assert.True(folders.Length > 600, $"{folders.Length} day folders");
        var events = 0;
        foreach (var folder in folders)
        {
            var name = Path.GetFileName(folder);
            Assert.StartsWith("date=", name);
            var day = DateOnly.ParseExact(name["date=".Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Equal(["events.jsonl"], Directory.GetFiles(folder).Select(Path.GetFileName));
            foreach (var e in GeneratedBrand.ReadJsonl(Path.Combine(folder, "events.jsonl")))
            {
                Assert.Equal(day, DateOnly.FromDateTime(GeneratedBrand.Utc(GeneratedBrand.Str(e, "ts")!)));
                Assert.False(string.IsNullOrEmpty(GeneratedBrand.Str(e, "cookie_id")));
                Assert.Contains(GeneratedBrand.Str(e, "type"), new[] { "page_view", "product_view", "add_to_cart", "checkout" });
                events++;
            }
        }
        Assert.Equal(brand.Summary.Outputs.Single(o => o.Path == "web/events").Rows, events);
    }

    [Fact]
    public void The_data_ends_on_the_as_of_date_and_spans_two_years()
    {
        var times = brand.Jsonl("eshop/orders.jsonl").Select(o => GeneratedBrand.Utc(GeneratedBrand.Str(o, "ordered_at")!)).ToList();
        Assert.True(times.Max() < new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.True(times.Min() >= new DateTime(2024, 11, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.True(times.Min() < new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        // Nothing happens after the as-of date, in any silo (a session cut by it stops there).
        var end = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        Assert.All(brand.Jsonl("app/events.jsonl"), e => Assert.True(GeneratedBrand.Utc(GeneratedBrand.Str(e, "ts")!) < end));
        Assert.All(brand.Jsonl("email/engagement.jsonl"), e => Assert.True(GeneratedBrand.Utc(GeneratedBrand.Str(e, "ts")!) < end));
        var days = Directory.GetDirectories(brand.PathOf("web/events")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.True(string.CompareOrdinal(days[^1], "date=2026-10-31") <= 0, days[^1]);
        Assert.True(string.CompareOrdinal(days[0], "date=2024-11-01") >= 0, days[0]);
    }

    [Fact]
    public void The_summary_counts_match_the_files()
    {
        Assert.Equal(brand.Csv("crm/customers.csv").Rows.Count, brand.Summary.Outputs.Single(o => o.Path == "crm/customers.csv").Rows);
        Assert.Equal(brand.Jsonl("eshop/orders.jsonl").Count, brand.Summary.Outputs.Single(o => o.Path == "eshop/orders.jsonl").Rows);
        var onDisk = Directory.EnumerateFiles(brand.Root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("manifest.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(onDisk.Count, brand.Summary.Files);
        Assert.Equal(onDisk.Sum(f => new FileInfo(f).Length), brand.Summary.Bytes);
        Assert.False(Directory.Exists(brand.PathOf(".spill")));
    }
}
