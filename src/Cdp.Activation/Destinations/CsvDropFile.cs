using System.Globalization;
using System.Text;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations;

/// <summary>
/// A batch as RFC 4180 CSV in UTF-8 (no byte-order mark), CRLF line ends, a header row. Every non-null value is quoted,
/// so a reader never has to guess: an empty quoted field is '', an unquoted empty one is NULL.
/// </summary>
internal static class CsvDropFile
{
    public static byte[] Encode(DeliveryBatch batch) => Encoding.UTF8.GetBytes(Text(batch));

    public static string Text(DeliveryBatch batch)
    {
        var text = new StringBuilder();
        AppendRow(text, new[] { DropSchema.Operation, DropSchema.PersonId }.Concat(batch.Columns));
        foreach (var r in batch.Records)
            AppendRow(text, new[] { SyncOperations.Name(r.Operation), r.PersonId.ToString(CultureInfo.InvariantCulture) }.Concat(r.Fields));
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var f in fields)
        {
            if (!first) text.Append(',');
            first = false;
            if (f is not null) text.Append('"').Append(f.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        text.Append("\r\n");
    }
}
