using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cdp.Activation.Destinations;
using Cdp.Activation.Planning;
using Cdp.Activation.Tests.Support;
using Cdp.Testing;

namespace Cdp.Activation.Tests;

public class FileDropTests
{
    [Fact]
    public async Task SyncDropsCsvFilesWithManifestsWrittenAtomically()
    {
        await using var fx = new SyncFixture();
        await fx.CreateMembershipAsync(250);
        await fx.Engine.ExecuteAsync("UPDATE membership SET first_name = 'Zoë \"Z\", O''Brien' || chr(10) || '✓' WHERE person_id = 1");
        using var folder = new TempDirectory("drops");
        var drop = new FileDropDestination(new FileDropOptions("till", "email", folder.Path, new DestinationLimits(100, 2, 100)));
        var audience = "receipts/../\"x\"";

        var report = (await fx.NewSync().RunAsync([new(drop, fx.Request(drop, audience))], "run-1"))[0];

        Assert.True(report.Complete);
        var dir = drop.AudienceFolder(audience);
        Assert.StartsWith(folder.Path, Path.GetFullPath(dir), StringComparison.Ordinal);
        var manifests = Directory.GetFiles(dir, "*.manifest.json");
        Assert.Equal(3, manifests.Length); // 212 qualifying people in batches of 100
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        var held = new Dictionary<long, string?[]>();
        foreach (var manifestPath in manifests)
        {
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            var csvBytes = File.ReadAllBytes(Path.Combine(dir, manifest.RootElement.GetProperty("file").GetString()!));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(csvBytes)), manifest.RootElement.GetProperty("sha256").GetString());
            var rows = ParseCsv(Encoding.UTF8.GetString(csvBytes));
            Assert.Equal(new string?[] { "operation", "person_id", "email", "first_name", "phone" }, rows[0].AsEnumerable());
            Assert.Equal(manifest.RootElement.GetProperty("row_count").GetInt32(), rows.Count - 1);
            Assert.Equal("run-1", manifest.RootElement.GetProperty("run_id").GetString());
            foreach (var row in rows.Skip(1)) held[long.Parse(row[1]!, System.Globalization.CultureInfo.InvariantCulture)] = row[2..];
        }
        var intended = await fx.IntendedAsync();
        Assert.Equal(intended.Keys.Order(), held.Keys.Order());
        foreach (var (id, fields) in intended) Assert.Equal(new[] { fields["email"], fields["first_name"], fields["phone"] }, held[id].AsEnumerable());
    }

    [Fact]
    public async Task ResendingADeliveredBatchWritesNothing()
    {
        using var folder = new TempDirectory("drops");
        var drop = new FileDropDestination(new FileDropOptions("till", "email", folder.Path, new DestinationLimits(100, 1, 100)));
        var record = new SyncRecord(1, SyncOperation.Add, "fp", ["a@example.com", null, ""]);
        var batch = new DeliveryBatch("run-1", "a", "msg_1", SyncOperation.Add, ["email", "first_name", "phone"], [record], DateTimeOffset.UtcNow);
        await drop.SendAsync(batch, default);
        var csv = Path.Combine(drop.AudienceFolder("a"), "msg_1.csv");
        var written = File.GetLastWriteTimeUtc(csv);
        var content = File.ReadAllText(csv);
        Assert.Equal("\"operation\",\"person_id\",\"email\",\"first_name\",\"phone\"\r\n\"add\",\"1\",\"a@example.com\",,\"\"\r\n", content);

        await drop.SendAsync(batch with { Records = [record with { Fields = ["changed", null, null] }] }, default);

        Assert.Equal(content, File.ReadAllText(csv));
        Assert.Equal(written, File.GetLastWriteTimeUtc(csv));
    }

    /// <summary>RFC 4180 with every non-null field quoted; an unquoted empty field is null.</summary>
    private static List<string?[]> ParseCsv(string text)
    {
        var rows = new List<string?[]>();
        var row = new List<string?>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { value.Append('"'); i += 2; }
                    else if (text[i] == '"') { i++; break; }
                    else value.Append(text[i++]);
                }
                row.Add(value.ToString());
            }
            else row.Add(null);
            if (i < text.Length && text[i] == ',') { i++; continue; }
            if (text[i] == '\r') i += 2;
            rows.Add([.. row]);
            row.Clear();
        }
        return rows;
    }
}
