namespace Cdp.DemoBrand.Model;

/// <summary>A city where customers live, with a postcode pattern and the street vocabulary of its country.</summary>
internal sealed record City(string Name, string Postcode, string Country);

/// <summary>A shop of the brand.</summary>
/// <param name="Id">Store id as the tills write it ("ST012").</param>
/// <param name="Name">Display name.</param>
/// <param name="City">The city (customers of that city shop there).</param>
/// <param name="Postcode">The store's postcode.</param>
/// <param name="Country">ISO country code.</param>
/// <param name="Format">flagship, city or mall.</param>
/// <param name="OpenedOn">Opening date (yyyy-MM-dd).</param>
public sealed record Store(string Id, string Name, string City, string Postcode, string Country, string Format, string OpenedOn)
{
    /// <summary>The till's currency.</summary>
    public string Currency => Country == "GB" ? "GBP" : "EUR";
}

/// <summary>Countries, cities, streets, names and stores: small invented lists, no real person's data.</summary>
internal static class Geography
{
    public static readonly string[] Countries = ["FR", "DE", "GB", "ES"];

    /// <summary>Share of customers per country (same order as <see cref="Countries"/>).</summary>
    public static readonly double[] CountryWeights = [0.55, 0.15, 0.15, 0.15];

    public static readonly IReadOnlyDictionary<string, City[]> Cities = new Dictionary<string, City[]>(StringComparer.Ordinal)
    {
        ["FR"] = [new("Paris", "750##", "FR"), new("Lyon", "6900#", "FR"), new("Marseille", "130##", "FR"), new("Toulouse", "310##", "FR"), new("Nantes", "440##", "FR"), new("Lille", "590##", "FR"), new("Bordeaux", "330##", "FR"), new("Saint-Étienne", "420##", "FR")],
        ["DE"] = [new("Berlin", "10###", "DE"), new("München", "80###", "DE"), new("Hamburg", "20###", "DE"), new("Köln", "50###", "DE")],
        ["GB"] = [new("London", "SW# #AB", "GB"), new("Manchester", "M# #CD", "GB"), new("Leeds", "LS# #EF", "GB")],
        ["ES"] = [new("Madrid", "280##", "ES"), new("Barcelona", "080##", "ES"), new("Valencia", "460##", "ES"), new("Sevilla", "410##", "ES")],
    };

    public static readonly IReadOnlyDictionary<string, string[]> StreetPatterns = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["FR"] = ["# rue des Lilas", "#, avenue de la République", "# boulevard Victor-Hugo", "# rue du Moulin", "#bis rue de l'Église", "# place des Tilleuls", "# allée des Érables"],
        ["DE"] = ["Lindenstraße #", "Hauptstraße #", "Am Mühlbach #", "Gartenweg #", "Schillerstraße #a", "Rosenallee #"],
        ["GB"] = ["# High Street", "# Station Road", "Flat #, Church Lane", "# Victoria Road", "# Mill Close"],
        ["ES"] = ["Calle Mayor, #", "Avenida de la Constitución #", "Calle del Olivo #, 2º", "Plaza de España #", "Calle Núñez de Balboa #"],
    };

    public static readonly IReadOnlyDictionary<string, string[]> FemaleFirstNames = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["FR"] = ["Hélène", "Chloé", "Léa", "Zoé", "Agnès", "Céline", "Élodie", "Margaux", "Camille", "Inès", "Manon", "Anaïs", "Noémie", "Sophie", "Claire", "Émilie", "Maëlle", "Juliette"],
        ["DE"] = ["Käthe", "Anna", "Lena", "Bärbel", "Katharina", "Sophie", "Marie", "Hannah", "Jördis", "Birgit", "Sabine", "Ulrike"],
        ["GB"] = ["Olivia", "Amelia", "Isla", "Emily", "Grace", "Sophie", "Charlotte", "Harriet", "Chloe", "Eleanor"],
        ["ES"] = ["María", "Lucía", "Sofía", "Martina", "Inés", "Paula", "Jimena", "Alba", "Nuria", "Begoña"],
    };

    public static readonly IReadOnlyDictionary<string, string[]> MaleFirstNames = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["FR"] = ["Jérôme", "François", "Gaël", "Théo", "Hugo", "Raphaël", "Noé", "Loïc", "Benoît", "Rémi", "Thomas", "Mathis"],
        ["DE"] = ["Jürgen", "Jörg", "Lukas", "Felix", "Maximilian", "Jonas", "Tobias", "Stefan", "Björn"],
        ["GB"] = ["Oliver", "George", "Harry", "Jack", "Oscar", "Arthur", "James"],
        ["ES"] = ["José", "Álvaro", "Andrés", "Iván", "Hugo", "Martín", "Rubén", "Íñigo"],
    };

    public static readonly IReadOnlyDictionary<string, string[]> LastNames = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["FR"] = ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Fontaine", "Chevalier", "Lemaître", "Bérenger", "Rousseau", "Faure", "Mercier", "Gauthier", "Perrin", "Morel", "Noël", "Ferré", "Delacroix", "Le Guen"],
        ["DE"] = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Größer", "Becker", "Schäfer", "Köhler", "Hoffmann", "Krüger"],
        ["GB"] = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "O'Brien", "Davies", "Evans", "Clarke"],
        ["ES"] = ["García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Núñez", "Peña", "Jiménez"],
    };

    /// <summary>The brand's stores: a few per country, in the cities where customers live.</summary>
    public static readonly IReadOnlyList<Store> Stores = BuildStores();

    private static List<Store> BuildStores()
    {
        var stores = new List<Store>();
        var n = 1;
        foreach (var country in Countries)
        {
            var cities = Cities[country];
            for (var i = 0; i < cities.Length; i++)
            {
                var city = cities[i];
                var perCity = i == 0 ? 3 : 1;
                for (var j = 0; j < perCity; j++)
                {
                    var format = j == 0 && i == 0 ? "flagship" : j == 2 ? "mall" : "city";
                    var postcode = city.Postcode.Replace('#', (char)('1' + (j + i) % 9));
                    var opened = $"{2012 + (n * 7) % 12}-{1 + (n * 5) % 12:D2}-{1 + (n * 11) % 28:D2}";
                    var label = format == "flagship" ? "Flagship" : format == "mall" ? "Shopping Centre" : "Centre";
                    stores.Add(new Store($"ST{n:D3}", $"{city.Name} {label}", city.Name, postcode, country, format, opened));
                    n++;
                }
            }
        }
        return stores;
    }
}
