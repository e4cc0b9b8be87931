using System.Globalization;
using System.Text;

namespace Cdp.Testing;

/// <summary>
/// Generates a <c>cdp models</c> project of <see cref="ModelCount"/> models over two small seeds, and computes what each
/// model must hold without running any SQL, so a run's results can be checked independently.
/// </summary>
/// <remarks>
/// Ten layers of fifty models. Layer 0 (<c>models/staging</c>) filters and scales the orders seed; layers 1 to 8
/// (<c>models/core/layer_k</c>) each read one model of the layer above (several children per parent, some parents
/// without any: fan-out), and some join a second parent two layers up (fan-in); layer 9 (<c>models/marts</c>, schema
/// <c>gold</c>) aggregates a layer-8 model per customer joined to the customers seed. Mostly views; tables every fifth
/// model of layers 3 and 6 and every tenth mart; four ephemeral and four incremental models (merge and append).
/// Templates use macros, <c>set</c>, <c>for</c> loops and <c>is_incremental()</c>; <c>models/schema.yml</c> declares
/// unique, not_null, relationships and accepted_values tests, all of which pass.
/// </remarks>
public static class LargeModelProject
{
    public const int Layers = 10;
    public const int PerLayer = 50;
    public const int ModelCount = Layers * PerLayer;
    public const int Orders = 600;
    public const int Customers = 40;

    private static readonly string[] Countries = ["FR", "DE", "ES", "IT"];

    public const string ProjectName = "scale";

    public static string Name(int layer, int j) => layer switch
    {
        0 => $"stg_orders_{j:00}",
        Layers - 1 => $"mart_customers_{j:00}",
        _ => $"l{layer}_m{j:00}",
    };

    public static string Folder(int layer) => layer switch
    {
        0 => "models/staging",
        Layers - 1 => "models/marts",
        _ => $"models/core/layer_{layer}",
    };

    public static string Materialized(int layer, int j) => layer switch
    {
        3 or 6 when j % 5 == 0 => "table",
        // Ephemerals are the parents of the first two models of the next layer, so they are inlined somewhere.
        2 or 5 when j == Parent(layer + 1, 0) || j == Parent(layer + 1, 1) => "ephemeral",
        4 or 7 when j % 25 == 2 => "incremental",
        Layers - 1 when j % 10 == 0 => "table",
        _ => "view",
    };

    /// <summary>The schema a model's relation lives in.</summary>
    public static string Schema(int layer) => layer == Layers - 1 ? "gold" : "main";

    /// <summary>The model of the layer above that a core or mart model reads (not a bijection: fan-out varies).</summary>
    public static int Parent(int layer, int j) => layer == Layers - 1 ? (j * 3 + 1) % PerLayer : (j * j + layer) % PerLayer;

    /// <summary>The second parent, two layers up, of a joining model; null for single-parent models.</summary>
    public static int? JoinParent(int layer, int j)
        => layer is >= 2 and < Layers - 1 && j % 8 == 3 && Materialized(layer, j) == "view" ? (j * 11 + layer) % PerLayer : null;

    /// <summary>Writes the project (cdp.yml with <c>lake: ./lake</c>, seeds, macros, models, schema.yml) into <paramref name="root"/>.</summary>
    public static void WriteTo(string root)
    {
        void Write(string relative, string text)
        {
            var full = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        Write("cdp.yml", $"name: {ProjectName}\nlake: ./lake\nmodels:\n  +materialized: view\n  marts:\n    +schema: gold\n");
        var orders = new StringBuilder("id,customer_id,amount\n");
        for (var id = 1; id <= Orders; id++) orders.Append(CultureInfo.InvariantCulture, $"{id},{OrderCustomer(id)},{OrderAmount(id)}\n");
        Write("seeds/raw_orders.csv", orders.ToString());
        var customers = new StringBuilder("id,country\n");
        for (var id = 1; id <= Customers; id++) customers.Append(CultureInfo.InvariantCulture, $"{id},{Country(id)}\n");
        Write("seeds/raw_customers.csv", customers.ToString());
        Write("macros/helpers.sql", """
            {% macro scaled(column, factor) -%}
            {{ column }} * {{ factor }}
            {%- endmacro %}

            {% macro shift(column, by) -%}
            ({{ column }} + {{ by }})
            {%- endmacro %}

            {% macro keep(column, modulus, remainder) -%}
            {{ column }} % {{ modulus }} <> {{ remainder }}
            {%- endmacro %}

            {% macro column_list(columns, prefix='') -%}
            {% for c in columns %}{{ prefix }}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}
            {%- endmacro %}
            """);

        for (var layer = 0; layer < Layers; layer++)
        {
            for (var j = 0; j < PerLayer; j++) Write($"{Folder(layer)}/{Name(layer, j)}.sql", ModelSql(layer, j));
        }
        Write("models/schema.yml", SchemaYaml());
    }

    private static string ModelSql(int layer, int j)
    {
        var config = Materialized(layer, j) switch
        {
            "view" => "",
            "incremental" when layer == 4 => "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}\n",
            "incremental" => "{{ config(materialized='incremental', incremental_strategy='append') }}\n",
            var m => $"{{{{ config(materialized='{m}') }}}}\n",
        };
        if (layer == 0)
        {
            var (factor, modulus, remainder) = StagingParameters(j);
            return config + $$$"""
                select {{ column_list(['id', 'customer_id']) }}, {{ scaled('amount', {{{factor}}}) }} as amount
                from {{ ref('raw_orders') }}
                where {{ keep('id', {{{modulus}}}, {{{remainder}}}) }}
                """;
        }
        var parent = Name(layer - 1, Parent(layer, j));
        if (layer == Layers - 1)
        {
            return config + $$$"""
                {%- set measures = {'orders': 'count(*)', 'total': 'sum(o.amount)'} %}
                select o.customer_id, c.country
                {%- for name, expression in measures | items %}, {{ expression }} as {{ name }}{% endfor %}
                from {{ ref('{{{parent}}}') }} o
                join {{ ref('raw_customers') }} c on c.id = o.customer_id
                group by o.customer_id, c.country
                """;
        }
        if (JoinParent(layer, j) is { } second)
        {
            return config + $$$"""
                select {{ column_list(['id', 'customer_id'], prefix='a.') }}, a.amount + b.amount as amount
                from {{ ref('{{{parent}}}') }} a
                join {{ ref('{{{Name(layer - 2, second)}}}') }} b on a.id = b.id
                """;
        }
        var (by, modulus2, remainder2) = CoreParameters(layer, j);
        var incremental = Materialized(layer, j) == "incremental"
            ? "\n{% if is_incremental() %}  and id > (select max(id) from {{ this }}){% endif %}"
            : "";
        return config + $$$"""
            {%- set columns = ['id', 'customer_id'] -%}
            select {% for c in columns %}{{ c }}, {% endfor %}{{ shift('amount', {{{by}}}) }} as amount
            from {{ ref('{{{parent}}}') }}
            where {{ keep('id', {{{modulus2}}}, {{{remainder2}}}) }}{{{incremental}}}
            """;
    }

    private static (int Factor, int Modulus, int Remainder) StagingParameters(int j) => (1 + j % 3, 7 + j % 5, j % 7);

    private static (int By, int Modulus, int Remainder) CoreParameters(int layer, int j)
    {
        var modulus = 11 + (j + layer) % 7;
        return (layer + j % 4, modulus, (j * 3 + layer) % modulus);
    }

    private static string SchemaYaml()
    {
        var yaml = new StringBuilder("version: 2\nmodels:\n");
        var relationships = "      - name: customer_id\n        tests:\n          - not_null\n          - relationships: {to: \"ref('raw_customers')\", field: id}\n";
        foreach (var (layer, j) in TestedModels())
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - name: {Name(layer, j)}\n    description: layer {layer} model {j}\n    columns:\n");
            if (layer == Layers - 1)
            {
                yaml.Append("      - name: customer_id\n        tests: [unique, not_null]\n");
                yaml.Append("      - name: country\n        tests:\n          - accepted_values: {values: [FR, DE, ES, IT]}\n");
            }
            else
            {
                yaml.Append("      - name: id\n        description: the order id\n        tests: [unique, not_null]\n").Append(relationships);
            }
        }
        return yaml.ToString();
    }

    /// <summary>Models with tests in schema.yml: a few per layer, the tables, the incrementals and some marts.</summary>
    public static IEnumerable<(int Layer, int J)> TestedModels()
    {
        for (var layer = 0; layer < Layers; layer++)
        {
            for (var j = 0; j < PerLayer; j++)
            {
                var m = Materialized(layer, j);
                if (m == "ephemeral") continue;
                if (j < 2 || (m is "table" or "incremental" && j % 10 == 0) || m == "incremental") yield return (layer, j);
            }
        }
    }

    /// <summary>Generic tests declared in schema.yml.</summary>
    public static int TestCount => TestedModels().Sum(m => m.Layer == Layers - 1 ? 3 : 4);

    public static int OrderCustomer(int id) => id % Customers + 1;

    public static int OrderAmount(int id) => id * 37 % 100 + 1;

    public static string Country(int customer) => Countries[customer % Countries.Length];

    /// <summary>The rows of a layer 0 to 8 model (id to customer and amount), computed without SQL.</summary>
    public static IReadOnlyDictionary<long, (long Customer, long Amount)> Rows(int layer, int j) => Expected.Value.Rows[layer][j];

    /// <summary>A mart's rows as <c>customer_id|country|orders|total</c> lines, sorted ordinally.</summary>
    public static IReadOnlyList<string> MartLines(int j) => Expected.Value.Marts[j];

    private static readonly Lazy<(Dictionary<long, (long, long)>[][] Rows, List<string>[] Marts)> Expected = new(Compute);

    private static (Dictionary<long, (long, long)>[][] Rows, List<string>[] Marts) Compute()
    {
        var rows = new Dictionary<long, (long, long)>[Layers - 1][];
        rows[0] = new Dictionary<long, (long, long)>[PerLayer];
        for (var j = 0; j < PerLayer; j++)
        {
            var (factor, modulus, remainder) = StagingParameters(j);
            rows[0][j] = Enumerable.Range(1, Orders).Where(id => id % modulus != remainder)
                .ToDictionary(id => (long)id, id => ((long)OrderCustomer(id), (long)OrderAmount(id) * factor));
        }
        for (var layer = 1; layer < Layers - 1; layer++)
        {
            rows[layer] = new Dictionary<long, (long, long)>[PerLayer];
            for (var j = 0; j < PerLayer; j++)
            {
                var parent = rows[layer - 1][Parent(layer, j)];
                if (JoinParent(layer, j) is { } second)
                {
                    var other = rows[layer - 2][second];
                    rows[layer][j] = parent.Where(p => other.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => (p.Value.Item1, p.Value.Item2 + other[p.Key].Item2));
                    continue;
                }
                var (by, modulus, remainder) = CoreParameters(layer, j);
                rows[layer][j] = parent.Where(p => p.Key % modulus != remainder).ToDictionary(p => p.Key, p => (p.Value.Item1, p.Value.Item2 + by));
            }
        }
        var marts = new List<string>[PerLayer];
        for (var j = 0; j < PerLayer; j++)
        {
            marts[j] = rows[Layers - 2][Parent(Layers - 1, j)].Values
                .GroupBy(v => v.Item1)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}|{Country((int)g.Key)}|{g.Count()}|{g.Sum(v => v.Item2)}"))
                .Order(StringComparer.Ordinal).ToList();
        }
        return (rows, marts);
    }
}
