using System.Text;

namespace Cdp.DemoBrand.Tests.Support;

/// <summary>A strict RFC 4180 reader: fails on a quote inside an unquoted field or an unterminated quoted field.</summary>
public static class Csv
{
    public sealed record Table(string[] Header, List<string[]> Rows)
    {
        public int Column(string name)
        {
            var i = Array.IndexOf(Header, name);
            Assert.True(i >= 0, $"no column {name} in [{string.Join(',', Header)}]");
            return i;
        }

        public IEnumerable<string> Values(string name)
        {
            var i = Column(name);
            return Rows.Select(r => r[i]);
        }
    }

    public static Table Read(string path)
    {
        var records = Parse(File.ReadAllText(path, Encoding.UTF8), path);
        Assert.NotEmpty(records);
        var header = records[0];
        var rows = records.Skip(1).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.True(rows[i].Length == header.Length, $"{path} row {i + 2}: {rows[i].Length} fields for {header.Length} columns");
        }
        return new Table(header, rows);
    }

    public static List<string[]> Parse(string text, string name)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var line = 1;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                Assert.True(field.Length == 0, $"{name} line {line}: quote inside an unquoted field");
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, $"{name} line {line}: unterminated quoted field");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(text[i++]);
                }
                Assert.True(i >= text.Length || text[i] is ',' or '\n' or '\r', $"{name} line {line}: text after a closing quote");
                continue;
            }
            var c = text[i];
            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                i++;
            }
            else if (c is '\n' or '\r')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                line++;
            }
            else
            {
                field.Append(c);
                i++;
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }
        return records;
    }
}
