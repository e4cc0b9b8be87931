using System.Text;
using Cdp.Ingestion.Config;
using Cdp.Ingestion.Staging;

namespace Cdp.Ingestion.Tests;

/// <summary>
/// Cutting CSV into records: plain lines are taken whole, a record with a quote is cut field by field (a quoted field
/// may hold the delimiter, doubled quotes and line breaks), and every record keeps the number of the line it starts
/// on, across the reader's buffer refills.
/// </summary>
public sealed class CsvRecordTests
{
    [Fact]
    public async Task Quoted_fields_with_delimiters_quotes_and_line_breaks_land_as_written_with_the_line_they_start_on()
    {
        await using var w = new Workspace();
        var text = new StringBuilder("id,note\n");
        var line = 2L;
        var starts = new Dictionary<long, long>();
        var notes = new Dictionary<long, string>();
        var ragged = new List<long>();
        // Well over the reader's buffer, so quoted records and line breaks fall across refills.
        const int records = 60_000;
        for (var id = 1L; id <= records; id++)
        {
            var end = id % 5 == 0 ? "\r\n" : "\n";
            if (id % 101 == 0)
            {
                text.Append(id).Append(",too,many").Append(end);
                ragged.Add(line);
                line++;
                continue;
            }
            starts[id] = line;
            if (id % 37 == 0)
            {
                // Quoted: a delimiter, a doubled quote and a line break inside; the record spans two lines.
                notes[id] = $"first, \"{id}\"\nsecond";
                text.Append(id).Append(",\"first, \"\"").Append(id).Append("\"\"\nsecond\"").Append(end);
                line += 2;
            }
            else
            {
                notes[id] = $"plain {id} {new string('x', (int)(id % 50))}";
                text.Append(id).Append(',').Append(notes[id]).Append(end);
                line++;
            }
        }
        text.Append("999999,last line without a break");
        starts[999_999] = line;
        notes[999_999] = "last line without a break";
        var path = w.Write("notes.csv", text.ToString());
        Assert.True(new FileInfo(path).Length > 2 * InputReader.InitialBufferBytes);

        var s = (await w.RunAsync(Workspace.Source("notes", SourceFormat.Csv, path))).Sources[0].Reconciled();
        Assert.Equal((records + 1L - ragged.Count, (long)ragged.Count), (s.RowsLanded, s.RowsQuarantined));
        var rows = await w.QueryAsync(w.Runner.TableUri("notes"), "SELECT id, note, _source_line FROM t ORDER BY id");
        Assert.Equal(starts.Count, rows.Count);
        foreach (var row in rows)
        {
            var id = Workspace.Long(row[0]);
            Assert.Equal((notes[id], starts[id]), ((string)row[1]!, Workspace.Long(row[2])));
        }
        var quarantined = await w.QueryAsync(w.Runner.QuarantineUri("notes"), "SELECT _source_line, reason FROM t ORDER BY 1");
        Assert.Equal(ragged, quarantined.Select(r => Workspace.Long(r[0])));
        Assert.All(quarantined, r => Assert.Equal("expected 2 fields as in the header, found 3", r[1]));
    }

    [Fact]
    public async Task A_fraction_beyond_the_type_sample_in_a_column_of_whole_numbers_widens_it_instead_of_being_rounded()
    {
        await using var w = new Workspace();
        var text = new StringBuilder("id,v,w\n");
        var sampled = WholeNumberColumns.SampleRecords + 100;
        // v and w are whole numbers in DuckDB's sample; then v holds fractions (one quoted) and w 2.0, which is whole
        // (the file is then sniffed from every row, and DuckDB types w as it then sees it).
        for (var i = 1; i <= sampled; i++) text.Append(i).Append(',').Append(i).Append(',').Append(i).Append('\n');
        var path = w.Write("late.csv", text + "-1,0.5,2.0\n-2,\"1.25\",3\n");
        var s = (await w.RunAsync(Workspace.Source("late", SourceFormat.Csv, path))).Sources[0].Reconciled();
        Assert.Equal(sampled + 2L, s.RowsLanded);
        var late = await w.QueryAsync(w.Runner.TableUri("late"), "SELECT id, v, typeof(v), typeof(w) FROM t WHERE id < 0 ORDER BY id DESC");
        Assert.Equal([[-1L, 0.5, "DOUBLE", "DOUBLE"], [-2L, 1.25, "DOUBLE", "DOUBLE"]], late.Select(r => new object?[] { Workspace.Long(r[0]), r[1], r[2], r[3] }));

        // A value that is no number at all is not changed but refused: quarantined with the column and the type.
        var other = w.Write("other.csv", text + "-3,maybe,4\n");
        var o = (await w.RunAsync(Workspace.Source("other", SourceFormat.Csv, other))).Sources[0].Reconciled();
        Assert.Equal((long)sampled, o.RowsLanded);
        var q = await w.QueryAsync(w.Runner.QuarantineUri("other"), "SELECT _source_line, reason FROM t");
        Assert.Equal([[sampled + 2L, "column 'v': value cannot be read as BIGINT"]], q.Select(r => new object?[] { Workspace.Long(r[0]), r[1] }));
    }

    [Fact]
    public void Only_columns_of_whole_numbers_in_the_sample_are_watched_and_a_fraction_is_noted_once()
    {
        var columns = new WholeNumberColumns(4);
        var row = 0L;
        void Observe(string record) => columns.Observe(Encoding.UTF8.GetBytes(record), (byte)',', row++);
        for (var i = 0; i < WholeNumberColumns.SampleRecords; i++) Observe(i == 7 ? "1,,x,2.5" : $"{i},-{i},x,\"{i}\"");
        Observe("1.5,2,3.5,4");          // column 2 is text and column 3 had a fraction in the sample: not watched
        Observe("2,\"1e-1\",y,1");        // a quoted exponent form
        Observe("2.5,0.5,y,1");          // already noted columns are not noted again
        Observe("3,1E2,y,1.0");          // 1E2 and 1.0 are whole
        Assert.Equal([0, 1], columns.Fractions);
    }

    [Fact]
    public async Task A_quote_left_open_quarantines_the_rest_of_the_file_as_one_record()
    {
        await using var w = new Workspace();
        var path = w.Write("open.csv", "id,note\n1,fine\n2,\"never closed\n3,swallowed\n");
        var s = (await w.RunAsync(Workspace.Source("open", SourceFormat.Csv, path))).Sources[0].Reconciled();
        Assert.Equal((1L, 1L), (s.RowsLanded, s.RowsQuarantined));
        var q = await w.QueryAsync(w.Runner.QuarantineUri("open"), "SELECT _source_line, reason, raw FROM t");
        Assert.Equal([3L, "a quoted field is not closed before the end of the file", "2,\"never closed\n3,swallowed\n"],
            [Workspace.Long(q[0][0]), q[0][1], q[0][2]]);
    }
}
