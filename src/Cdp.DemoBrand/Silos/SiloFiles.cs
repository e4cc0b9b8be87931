using Cdp.DemoBrand.Output;

namespace Cdp.DemoBrand.Silos;

/// <summary>Every output file of a generation, opened once and written person after person.</summary>
internal sealed class SiloFiles : IDisposable
{
    public SiloFiles(string root)
    {
        Root = root;
        Customers = new CsvFile(P("crm", "customers.csv"),
            "customer_number", "first_name", "last_name", "email", "phone", "street", "postcode", "city", "country", "birth_date", "created_at");
        CustomerDuplicates = new CsvFile(P(".spill", "crm-later-entries.csv"),
            "customer_number", "first_name", "last_name", "email", "phone", "street", "postcode", "city", "country", "birth_date", "created_at");
        Members = new CsvFile(P("loyalty", "members.csv"),
            "card_number", "customer_number", "email", "phone", "enrolled_at", "home_store_id", "tier", "points");
        Orders = new JsonlFile(P("eshop", "orders.jsonl"));
        OrderLines = new JsonlFile(P("eshop", "order_lines.jsonl"));
        WebEvents = new DayPartitionedFile(P("web", "events"), P(".spill", "web"), "events.jsonl");
        AppEvents = new JsonlFile(P("app", "events.jsonl"));
        Transactions = new CsvFile(P("stores", "transactions.csv"),
            "transaction_id", "line_number", "store_id", "timestamp", "loyalty_card", "sku", "size", "quantity", "unit_price", "currency");
        Engagement = new JsonlFile(P("email", "engagement.jsonl"));
        Consents = new CsvFile(P("consents", "consents.csv"),
            "identifier_type", "identifier_value", "channel", "purpose", "status", "timestamp", "source");
        TruthRecords = new CsvFile(P("truth", "records.csv"), "silo", "record_key", "person_id");
        TruthPeople = new CsvFile(P("truth", "people.csv"),
            "person_id", "household_id", "signup_date", "churn_date", "cycle_factor", "preferred_channel", "category_affinities",
            "country", "email_open_rate", "activity");
    }

    public string Root { get; }
    public CsvFile Customers { get; }

    /// <summary>Second CRM entries of a person, appended after all first entries (they were created later).</summary>
    public CsvFile CustomerDuplicates { get; }
    public CsvFile Members { get; }
    public JsonlFile Orders { get; }
    public JsonlFile OrderLines { get; }
    public DayPartitionedFile WebEvents { get; }
    public JsonlFile AppEvents { get; }
    public CsvFile Transactions { get; }
    public JsonlFile Engagement { get; }
    public CsvFile Consents { get; }
    public CsvFile TruthRecords { get; }
    public CsvFile TruthPeople { get; }

    /// <summary>Row counts per output, keyed by the path relative to the root (web events as one entry).</summary>
    public IReadOnlyList<(string Name, long Rows)> RowCounts() =>
    [
        ("crm/customers.csv", Customers.Rows + CustomerDuplicates.Rows),
        ("loyalty/members.csv", Members.Rows),
        ("eshop/orders.jsonl", Orders.Rows),
        ("eshop/order_lines.jsonl", OrderLines.Rows),
        ("web/events", WebEvents.Rows),
        ("app/events.jsonl", AppEvents.Rows),
        ("stores/transactions.csv", Transactions.Rows),
        ("email/engagement.jsonl", Engagement.Rows),
        ("consents/consents.csv", Consents.Rows),
        ("truth/records.csv", TruthRecords.Rows),
        ("truth/people.csv", TruthPeople.Rows),
    ];

    /// <summary>Closes the files, appends the later CRM entries and splits the web events into days.</summary>
    public void Complete()
    {
        CustomerDuplicates.Dispose();
        Customers.Dispose();
        using (var target = new FileStream(Customers.Path, FileMode.Append, FileAccess.Write))
        using (var source = new StreamReader(CustomerDuplicates.Path, Text.Utf8))
        {
            source.ReadLine(); // header
            using var w = new StreamWriter(target, Text.Utf8) { NewLine = "\n" };
            while (source.ReadLine() is { } line)
            {
                w.Write(line);
                w.Write('\n');
            }
        }
        File.Delete(CustomerDuplicates.Path);
        WebEvents.Complete();
        Dispose();
    }

    public void Dispose()
    {
        Customers.Dispose();
        CustomerDuplicates.Dispose();
        Members.Dispose();
        Orders.Dispose();
        OrderLines.Dispose();
        WebEvents.Dispose();
        AppEvents.Dispose();
        Transactions.Dispose();
        Engagement.Dispose();
        Consents.Dispose();
        TruthRecords.Dispose();
        TruthPeople.Dispose();
    }

    private string P(string folder, string file) => Path.Combine(Root, folder, file);
}
