using System.Globalization;

namespace Cdp.DemoBrand.Model;

/// <summary>The product categories of the brand.</summary>
public enum Category
{
    Skincare,
    Haircare,
    Makeup,
    Fragrance,
    Body,
}

/// <summary>One sellable item: a product (SKU) in one size, with its content and how long that content lasts.</summary>
/// <param name="Sku">The product's SKU, shared by its sizes.</param>
/// <param name="Name">The product's name.</param>
/// <param name="Category">Its category.</param>
/// <param name="Size">The size label as the silos write it ("50 ml", "3.5 g").</param>
/// <param name="Content">The content in <paramref name="Unit"/>.</param>
/// <param name="Unit">"ml" or "g".</param>
/// <param name="UsageDays">How many days the content lasts for a typical user.</param>
/// <param name="Price">The unit price in euros.</param>
/// <param name="Stock">Units in stock for this size on the as-of date.</param>
/// <param name="Range">The product range (a line of products sharing an ingredient), used for complements.</param>
/// <param name="Kind">The product type ("Day Cream", "Shampoo"...).</param>
public sealed record Item(string Sku, string Name, Category Category, string Size, double Content, string Unit, int UsageDays, decimal Price, int Stock, string Range, string Kind)
{
    /// <summary>The product picture on the brand's (example) CDN.</summary>
    public string ImageUrl => $"https://cdn.example.com/products/{Sku.ToLowerInvariant()}-{Size.Replace(" ", "", StringComparison.Ordinal).Replace('.', '-')}.jpg";
}

/// <summary>A pair of products bought together (cleanser then cream, shampoo then conditioner...).</summary>
public sealed record Complement(string Sku, string ComplementSku, string Reason, double Strength);

/// <summary>
/// The brand's catalogue: a fixed list of product types, each sold in a few ranges and sizes. The same for every
/// seed, so documentation and audiences can name products. Usage duration grows with content, sub-linearly
/// (a 50 ml cream lasts about 60 days, 200 ml about 120).
/// </summary>
public sealed class Catalogue
{
    private sealed record Kind(Category Category, string Name, string Unit, double BaseContent, int BaseDays, decimal BasePrice, double[] Contents);

    private static readonly Kind[] Kinds =
    [
        new(Category.Skincare, "Hydrating Day Cream", "ml", 50, 60, 32.00m, [50, 100, 200]),
        new(Category.Skincare, "Night Repair Cream", "ml", 50, 60, 38.00m, [50, 100]),
        new(Category.Skincare, "Vitamin C Serum", "ml", 30, 60, 42.00m, [30, 50]),
        new(Category.Skincare, "Gentle Cleansing Gel", "ml", 150, 50, 16.00m, [150, 400]),
        new(Category.Skincare, "Micellar Water", "ml", 200, 45, 12.00m, [200, 400]),
        new(Category.Skincare, "Eye Contour Cream", "ml", 15, 75, 29.00m, [15]),
        new(Category.Skincare, "SPF 50 Fluid, Invisible", "ml", 50, 45, 24.00m, [50]),
        new(Category.Haircare, "Nourishing Shampoo", "ml", 250, 40, 11.00m, [250, 500]),
        new(Category.Haircare, "Repair Conditioner", "ml", 200, 45, 12.50m, [200, 400]),
        new(Category.Haircare, "Hair Mask", "ml", 200, 60, 18.00m, [200]),
        new(Category.Haircare, "Scalp Serum", "ml", 50, 45, 26.00m, [50]),
        new(Category.Makeup, "Volume Mascara", "ml", 10, 90, 21.00m, [10]),
        new(Category.Makeup, "Fluid Foundation", "ml", 30, 75, 34.00m, [30]),
        new(Category.Makeup, "Matte Lipstick", "g", 3.5, 120, 19.00m, [3.5]),
        new(Category.Makeup, "Concealer", "ml", 7, 90, 18.00m, [7]),
        new(Category.Makeup, "Setting Powder", "g", 10, 120, 23.00m, [10]),
        new(Category.Fragrance, "Eau de Parfum", "ml", 50, 150, 68.00m, [30, 50, 100]),
        new(Category.Fragrance, "Eau de Toilette", "ml", 50, 120, 48.00m, [50, 100]),
        new(Category.Fragrance, "Body Mist", "ml", 100, 60, 22.00m, [100]),
        new(Category.Body, "Body Lotion", "ml", 200, 60, 17.00m, [200, 400]),
        new(Category.Body, "Shower Gel", "ml", 250, 30, 8.50m, [250, 500]),
        new(Category.Body, "Hand Cream", "ml", 30, 30, 9.00m, [30, 75]),
        new(Category.Body, "Body Scrub", "ml", 200, 60, 19.00m, [200]),
        new(Category.Body, "Deodorant", "ml", 50, 35, 7.50m, [50]),
    ];

    /// <summary>Ranges: each kind is sold in some of them (chosen by a fixed rule, not by the seed).</summary>
    private static readonly string[] Ranges = ["Rose", "Aloe", "Argan", "Oat", "Neroli", "Camellia"];

    /// <summary>Which kinds follow which, as complements (the first is bought, the second recommended).</summary>
    private static readonly (string From, string To, string Reason)[] Routines =
    [
        ("Gentle Cleansing Gel", "Hydrating Day Cream", "routine: cleanse then moisturise"),
        ("Micellar Water", "Gentle Cleansing Gel", "routine: remove make-up then cleanse"),
        ("Hydrating Day Cream", "Night Repair Cream", "routine: day and night"),
        ("Hydrating Day Cream", "SPF 50 Fluid, Invisible", "routine: protect"),
        ("Vitamin C Serum", "Hydrating Day Cream", "routine: serum under cream"),
        ("Night Repair Cream", "Eye Contour Cream", "routine: night"),
        ("Nourishing Shampoo", "Repair Conditioner", "routine: wash then condition"),
        ("Repair Conditioner", "Hair Mask", "routine: weekly care"),
        ("Nourishing Shampoo", "Scalp Serum", "routine: scalp care"),
        ("Fluid Foundation", "Concealer", "look: complexion"),
        ("Concealer", "Setting Powder", "look: set"),
        ("Volume Mascara", "Micellar Water", "look: remove"),
        ("Eau de Parfum", "Body Lotion", "layering: same scent"),
        ("Eau de Toilette", "Shower Gel", "layering: same scent"),
        ("Body Mist", "Body Lotion", "layering: same scent"),
        ("Shower Gel", "Body Lotion", "routine: wash then moisturise"),
        ("Body Scrub", "Body Lotion", "routine: scrub then moisturise"),
        ("Hand Cream", "Body Lotion", "routine: body"),
    ];

    /// <summary>The default catalogue.</summary>
    public static Catalogue Default { get; } = new();

    private Catalogue()
    {
        var items = new List<Item>();
        var products = new List<(string Sku, string Kind, string Range)>();
        var number = 100;
        for (var k = 0; k < Kinds.Length; k++)
        {
            var kind = Kinds[k];
            // Every kind in 2 to 4 ranges, chosen by a fixed pattern so that routines find shared ranges.
            var rangeCount = 2 + k % 3;
            for (var r = 0; r < rangeCount; r++)
            {
                var range = Ranges[(k + 2 * r) % Ranges.Length];
                var sku = $"{Prefix(kind.Category)}-{number++:D4}";
                products.Add((sku, kind.Name, range));
                foreach (var content in kind.Contents)
                {
                    var days = (int)(Math.Round(kind.BaseDays * Math.Pow(content / kind.BaseContent, 0.5) / 5.0) * 5);
                    var price = Math.Round(kind.BasePrice * (decimal)Math.Pow(content / kind.BaseContent, 0.75) * (1 + 0.05m * r), 1) - 0.01m;
                    var hash = Random.Prng.Mix(Random.Prng.Stream(sku) ^ (ulong)(content * 10));
                    var stock = hash % 10 == 0 ? 0 : (int)(hash % 400);
                    var size = content.ToString("0.##", CultureInfo.InvariantCulture) + " " + kind.Unit;
                    items.Add(new Item(sku, $"{range} {kind.Name}", kind.Category, size, content, kind.Unit, Math.Max(days, 10), price, stock, range, kind.Name));
                }
            }
        }
        Items = items;
        ByCategory = Enum.GetValues<Category>().ToDictionary(c => c, c => (IReadOnlyList<Item>)items.Where(i => i.Category == c).ToList());
        var complements = new List<Complement>();
        foreach (var (from, to, reason) in Routines)
        {
            foreach (var a in products.Where(p => p.Kind == from))
            {
                foreach (var b in products.Where(p => p.Kind == to))
                {
                    var strength = a.Range == b.Range ? 0.9 : 0.4;
                    complements.Add(new Complement(a.Sku, b.Sku, a.Range == b.Range ? reason + ", same range" : reason, strength));
                }
            }
        }
        Complements = complements;
    }

    /// <summary>Every item (product × size), in SKU order.</summary>
    public IReadOnlyList<Item> Items { get; }

    /// <summary>The items of each category.</summary>
    public IReadOnlyDictionary<Category, IReadOnlyList<Item>> ByCategory { get; }

    /// <summary>Complementary product pairs.</summary>
    public IReadOnlyList<Complement> Complements { get; }

    /// <summary>The lower-case category name as the silos write it.</summary>
    public static string Name(Category c) => c.ToString().ToLowerInvariant();

    private static string Prefix(Category c) => c switch
    {
        Category.Skincare => "SKN",
        Category.Haircare => "HAI",
        Category.Makeup => "MKP",
        Category.Fragrance => "FRG",
        _ => "BDY",
    };
}
