using System.Text;
using System.Text.Json.Nodes;

namespace Cdp.Engine.Tests;

/// <summary>Partition values as Spark writes them (strings in add.partitionValues), read back with their types.</summary>
public class PartitionValueScanTests
{
    [Fact]
    public async Task BinaryPartitionValuesAreTheUtf8BytesOfTheString()
    {
        // DAT multi_partitioned: Spark stores a binary partition value as the string of its bytes ("😈", not "\xF0...").
        await using var t = new LocalTable();
        var schema = new JsonObject
        {
            ["type"] = "struct",
            ["fields"] = new JsonArray(Field("id", "long"), Field("data", "binary")),
        };
        var log = new StringBuilder()
            .AppendLine(new JsonObject { ["protocol"] = new JsonObject { ["minReaderVersion"] = 1, ["minWriterVersion"] = 2 } }.ToJsonString())
            .AppendLine(new JsonObject
            {
                ["metaData"] = new JsonObject
                {
                    ["id"] = "t",
                    ["format"] = new JsonObject { ["provider"] = "parquet", ["options"] = new JsonObject() },
                    ["schemaString"] = schema.ToJsonString(),
                    ["partitionColumns"] = new JsonArray("data"),
                    ["configuration"] = new JsonObject(),
                },
            }.ToJsonString());
        string[] values = ["😈", "\\x41", "plain", ""];
        for (var i = 0; i < values.Length; i++)
        {
            await t.Engine.ExecuteAsync($"COPY (SELECT {i}::BIGINT AS id) TO '{Path.Combine(t.Root, $"f{i}.parquet")}' (FORMAT parquet)");
            log.AppendLine(new JsonObject
            {
                ["add"] = new JsonObject
                {
                    ["path"] = $"f{i}.parquet",
                    ["partitionValues"] = new JsonObject { ["data"] = values[i] },
                    ["size"] = 1,
                    ["modificationTime"] = 1,
                    ["dataChange"] = true,
                },
            }.ToJsonString());
        }
        Directory.CreateDirectory(Path.Combine(t.Root, "_delta_log"));
        await File.WriteAllTextAsync(Path.Combine(t.Root, "_delta_log", "00000000000000000000.json"), log.ToString());

        var rows = await t.ReadAsync("id, hex(data)", "id");

        Assert.Equal("F09F9888", rows.Rows[0][1]);
        Assert.Equal("5C783431", rows.Rows[1][1]); // the four characters \x41, not the byte 0x41
        Assert.Equal(Convert.ToHexString(Encoding.UTF8.GetBytes("plain")), rows.Rows[2][1]);
        Assert.Null(rows.Rows[3][1]); // "" is null
    }

    private static JsonObject Field(string name, string type)
        => new() { ["name"] = name, ["type"] = type, ["nullable"] = true, ["metadata"] = new JsonObject() };
}
