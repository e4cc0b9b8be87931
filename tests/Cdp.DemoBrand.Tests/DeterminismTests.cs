using System.Security.Cryptography;
using Cdp.DemoBrand.Tests.Support;
using Cdp.Testing;

namespace Cdp.DemoBrand.Tests;

/// <summary>The same options give the same bytes; a person's records do not depend on how many people follow.</summary>
public sealed class DeterminismTests : IDisposable
{
    private readonly TempDirectory _dir = new("demobrand-determinism");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Two_runs_with_the_same_options_write_byte_identical_files()
    {
        var a = DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("a"), People: 1500, Seed: 5));
        var b = DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("b"), People: 1500, Seed: 5));

        var hashesA = Hashes(a.OutputDirectory);
        var hashesB = Hashes(b.OutputDirectory);
        Assert.True(hashesA.Count > 700, $"{hashesA.Count} files");
        Assert.Equal(hashesA.Keys, hashesB.Keys);
        foreach (var (file, hash) in hashesA) Assert.True(hash == hashesB[file], $"{file} differs between two identical runs");
        Assert.Equal(a.Outputs, b.Outputs);

        // A re-run into the same folder replaces the earlier generation with the same bytes.
        DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("a"), People: 1500, Seed: 5));
        Assert.Equal(hashesA, Hashes(a.OutputDirectory));
    }

    [Fact]
    public void A_different_seed_gives_different_data()
    {
        var a = DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("a"), People: 300, Seed: 1));
        var b = DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("b"), People: 300, Seed: 2));
        foreach (var file in new[] { "crm/customers.csv", "eshop/orders.jsonl", "truth/people.csv", "truth/records.csv" })
        {
            Assert.NotEqual(Hash(Path.Combine(a.OutputDirectory, file)), Hash(Path.Combine(b.OutputDirectory, file)));
        }
        // The catalogue and the stores are the brand's, the same for every seed.
        Assert.Equal(Hash(Path.Combine(a.OutputDirectory, "catalog/products.csv")), Hash(Path.Combine(b.OutputDirectory, "catalog/products.csv")));
    }

    [Fact]
    public void A_persons_truth_is_the_same_whether_generating_n_or_2n_people()
    {
        var small = DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("n"), People: 401, Seed: 9));
        var large = DemoBrandGenerator.Generate(new GenerationOptions(_dir.Combine("2n"), People: 802, Seed: 9));

        var peopleSmall = Csv.Read(Path.Combine(small.OutputDirectory, "truth/people.csv")).Rows;
        var peopleLarge = Csv.Read(Path.Combine(large.OutputDirectory, "truth/people.csv")).Rows;
        Assert.Equal(401, peopleSmall.Count);
        Assert.Equal(peopleSmall.Select(r => string.Join(',', r)), peopleLarge.Take(401).Select(r => string.Join(',', r)));

        var ids = peopleSmall.Select(r => r[0]).ToHashSet(StringComparer.Ordinal);
        var recordsSmall = Csv.Read(Path.Combine(small.OutputDirectory, "truth/records.csv")).Rows.Select(r => string.Join(',', r)).ToList();
        var recordsLarge = Csv.Read(Path.Combine(large.OutputDirectory, "truth/records.csv")).Rows.Where(r => ids.Contains(r[2])).Select(r => string.Join(',', r)).ToList();
        Assert.True(recordsSmall.Count > 2000, $"{recordsSmall.Count} truth records");
        Assert.Equal(recordsSmall, recordsLarge);

        // And so are their CRM rows (the first N people's, in the same order).
        var crmSmall = File.ReadAllLines(Path.Combine(small.OutputDirectory, "crm/customers.csv"));
        var crmLarge = File.ReadAllLines(Path.Combine(large.OutputDirectory, "crm/customers.csv")).ToHashSet(StringComparer.Ordinal);
        Assert.All(crmSmall, line => Assert.Contains(line, crmLarge));
    }

    private static SortedDictionary<string, string> Hashes(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            result[Path.GetRelativePath(root, f)] = Hash(f);
        }
        return result;
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
