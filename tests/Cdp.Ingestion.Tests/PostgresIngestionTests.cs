using Cdp.Ingestion.Config;
using Cdp.Ingestion.Running;
using Cdp.Testing;

namespace Cdp.Ingestion.Tests;

/// <summary>PostgreSQL tables as sources, against a real server: full and incremental loads, exactly once, crashes, secrets.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresIngestionTests(PostgresServer server)
{
    private const string Customers = """
        CREATE TABLE customers (
            id integer PRIMARY KEY, name text, email varchar(80), score numeric(10,2), ratio numeric, active boolean,
            born date, seen timestamp, updated_at timestamptz NOT NULL, ref uuid, doc jsonb, raw json, visits bigint, rank smallint, code char(3));
        INSERT INTO customers VALUES
            (1, 'Ann "the first", of Lyon', 'ann@example.com', 12.50, 0.1, true, '1990-02-03', '2024-01-01 10:00:00.123456', '2024-01-01 10:00:00+00',
             'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"tier": "gold", "tags": ["a", "b"]}', '[1, 2]', 9000000000, 3, 'FR'),
            (2, E'multi\nline', '', -1.25, 1e20, false, '2000-12-31', '2024-01-02 00:00:00', '2024-01-02 08:30:00+02', NULL, NULL, NULL, NULL, NULL, NULL),
            (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-01-03 00:00:00+00', NULL, '{}', NULL, 0, -1, 'DE');
        """;

    [PostgresFact]
    public async Task An_incremental_load_lands_every_row_once_with_typed_values_and_lineage()
    {
        var db = await PostgresDatabase.CreateAsync(server, Customers);
        await using var w = new Workspace();
        var source = db.Source("crm");

        var run = await w.RunAsync(source);
        var result = Assert.Single(run.Sources).Reconciled();
        Assert.Equal(3, result.RowsLanded);
        var file = Assert.Single(result.Files);
        Assert.Equal($"postgres://127.0.0.1/{db.Database}/public.customers", file.File);
        Assert.Equal("cdp-ingest/crm/pg#1", file.AppId);

        var table = w.Runner.TableUri("crm");
        var rows = await w.QueryAsync(table,
            "SELECT id, name, email, CAST(score AS VARCHAR), ratio, active, CAST(born AS VARCHAR), CAST(seen AS VARCHAR), epoch_us(updated_at), ref, doc, raw, visits, rank, code, " +
            "_source_file, _source_line, _batch_id, _ingested_at IS NOT NULL FROM t ORDER BY id");
        Assert.Equal(3, rows.Count);
        Assert.Equal([1, "Ann \"the first\", of Lyon", "ann@example.com", "12.50", 0.1, true, "1990-02-03", "2024-01-01 10:00:00.123456+00", 1704103200000000L,
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "{\"tags\": [\"a\", \"b\"], \"tier\": \"gold\"}", "[1, 2]", 9000000000L, (short)3, "FR",
            file.File, 1L, run.BatchId, true], rows[0]);
        Assert.Equal("multi\nline", rows[1][1]);
        Assert.Equal("", rows[1][2]); // an empty string stays empty, distinct from NULL
        Assert.Equal(1e20, rows[1][4]);
        Assert.Equal(1704177000000000L, rows[1][8]); // 08:30+02 is 06:30 UTC
        Assert.Null(rows[2][1]);
        Assert.Null(rows[2][2]);
        Assert.Equal([1L, 2L, 3L], rows.Select(r => Workspace.Long(r[16])));

        var types = (await w.Session.DescribeAsync(table)).Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        Assert.Equal("decimal(10,2)", types["score"]);
        Assert.Equal("timestamp", types["updated_at"]);
        // The lake has one timestamp type (an instant): a timestamp without time zone lands as that instant in UTC.

        var ledger = await w.QueryAsync(w.Runner.LedgerUri, "SELECT source, status, rows_read, rows_landed, rows_quarantined, app_id FROM t");
        Assert.Equal(["crm", "landed", 3L, 3L, 0L, "cdp-ingest/crm/pg#1"], Assert.Single(ledger));
    }

    [PostgresFact]
    public async Task A_full_load_replaces_the_table_with_a_new_version()
    {
        var db = await PostgresDatabase.CreateAsync(server, Customers);
        await using var w = new Workspace();
        var source = db.Source("crm_full", mode: PostgresMode.Full, cursor: null);

        Assert.Equal(3, Assert.Single((await w.RunAsync(source)).Sources).Reconciled().RowsLanded);
        await db.ExecuteAsync("DELETE FROM customers WHERE id = 3; UPDATE customers SET name = 'Bea' WHERE id = 2");
        Assert.Equal(2, Assert.Single((await w.RunAsync(source)).Sources).Reconciled().RowsLanded);

        var table = w.Runner.TableUri("crm_full");
        Assert.Equal(["1", "2:Bea"], (await w.QueryAsync(table, "SELECT id, name FROM t ORDER BY id")).Select(r => r[0] + (r[0] is 2 ? ":" + r[1] : "")));
        var snapshot = await w.Session.SnapshotAsync(table);
        Assert.Equal(1, snapshot.Version);
        Assert.Equal(2, snapshot.AppTransactionVersion("cdp-ingest/crm_full/pg"));
    }

    [PostgresFact]
    public async Task Reruns_land_only_new_and_updated_rows_and_latest_by_key_gives_the_current_table()
    {
        var db = await PostgresDatabase.CreateAsync(server, Customers);
        await using var w = new Workspace();
        var source = db.Source("crm");
        var table = w.Runner.TableUri("crm");
        await w.RunAsync(source);
        var version = (await w.Session.SnapshotAsync(table)).Version;

        // No change: nothing read, nothing committed.
        var again = Assert.Single((await w.RunAsync(source)).Sources).Reconciled();
        Assert.Equal(0, again.RowsLanded);
        Assert.Equal(FileStatus.Skipped, Assert.Single(again.Files).Status);
        Assert.Equal(version, (await w.Session.SnapshotAsync(table)).Version);

        await db.ExecuteAsync("""
            INSERT INTO customers (id, name, updated_at) VALUES (4, 'Dan', '2024-02-01 00:00:00+00'), (5, 'Eve', '2024-02-02 00:00:00+00');
            UPDATE customers SET name = 'Ann B.', score = 99.99, updated_at = '2024-02-03 00:00:00+00' WHERE id = 1;
            """);
        var third = Assert.Single((await w.RunAsync(source)).Sources).Reconciled();
        Assert.Equal(3, third.RowsLanded);
        Assert.Equal(6, await w.CountAsync(table));
        Assert.Equal(["Ann \"the first\", of Lyon", "Ann B."], (await w.QueryAsync(table, "SELECT name FROM t WHERE id = 1 ORDER BY updated_at")).Select(r => r[0]));
        Assert.Equal(0, await w.CountAsync(table, "id IN (4, 5, 1) AND _source_line NOT IN (1, 2, 3) AND _batch_id = (SELECT max(_batch_id) FROM t)"));

        var latest = StagingMacros.Render("{{ latest_by_key('t', ['id'], 'updated_at') }}");
        var bronze = (await w.QueryAsync(table, $"SELECT id, name, CAST(score AS VARCHAR), epoch_us(updated_at) FROM ({latest}) AS l ORDER BY id"))
            .Select(r => string.Join('|', r[0], r[1], r[2], r[3]));
        var postgres = (await db.QueryAsync("SELECT id, name, score::text, (extract(epoch FROM updated_at) * 1000000)::bigint FROM customers ORDER BY id"))
            .Select(r => string.Join('|', r[0], r[1], r[2], r[3]));
        Assert.Equal(postgres, bronze);

        var ledger = await w.QueryAsync(w.Runner.LedgerUri, "SELECT app_id, rows_landed FROM t ORDER BY app_id");
        Assert.Equal(["cdp-ingest/crm/pg#1:3", "cdp-ingest/crm/pg#2:3"], ledger.Select(r => $"{r[0]}:{r[1]}"));
    }

    [PostgresFact]
    public async Task A_crash_before_the_commit_then_a_rerun_neither_loses_nor_duplicates_a_row()
    {
        var db = await PostgresDatabase.CreateAsync(server, Customers);
        await using var w = new Workspace();
        var source = db.Source("crm");
        var table = w.Runner.TableUri("crm");

        w.Runner.BeforePostgresCommit = _ => throw new IOException("simulated crash before the commit");
        var crashed = Assert.Single((await w.RunAsync(source)).Sources);
        Assert.False(crashed.Succeeded);
        Assert.False(w.Exists(table));

        w.Runner.BeforePostgresCommit = null;
        Assert.Equal(3, Assert.Single((await w.RunAsync(source)).Sources).Reconciled().RowsLanded);

        // Rows change, the next run crashes, rows change again (some arrive during the outage), the run after lands them all once.
        await db.ExecuteAsync("INSERT INTO customers (id, name, updated_at) VALUES (4, 'Dan', '2024-02-01 00:00:00+00')");
        w.Runner.BeforePostgresCommit = _ => throw new IOException("simulated crash before the commit");
        Assert.False(Assert.Single((await w.RunAsync(source)).Sources).Succeeded);
        await db.ExecuteAsync("UPDATE customers SET name = 'Bea', updated_at = '2024-02-05 00:00:00+00' WHERE id = 2");
        w.Runner.BeforePostgresCommit = null;
        Assert.Equal(2, Assert.Single((await w.RunAsync(source)).Sources).Reconciled().RowsLanded);

        Assert.Equal(5, await w.CountAsync(table));
        Assert.Equal(4, Workspace.Long((await w.QueryAsync(table, "SELECT count(DISTINCT id) FROM t"))[0][0]));
        Assert.Equal(0, Assert.Single((await w.RunAsync(source)).Sources).Reconciled().RowsLanded);

        // Killed after the data commit, before the ledger row: the next run writes it from the commit, marked recovered.
        Directory.Delete(w.Runner.LedgerUri, recursive: true);
        var recovered = Assert.Single((await w.RunAsync(source)).Sources).Reconciled();
        Assert.Equal(["cdp-ingest/crm/pg#2"], recovered.Files.Where(f => f.Recovered).Select(f => f.AppId));
        var ledger = await w.QueryAsync(w.Runner.LedgerUri, "SELECT app_id, status, rows_landed FROM t");
        Assert.Equal(["cdp-ingest/crm/pg#2", "recovered", 2L], Assert.Single(ledger));
    }

    [PostgresFact]
    public async Task A_failing_login_names_the_environment_variable_and_never_the_password()
    {
        var db = await PostgresDatabase.CreateAsync(server, Customers);
        await using var w = new Workspace();
        const string wrong = "Wr0ng-Secret-Value-42";
        Environment.SetEnvironmentVariable(db.Env, server.PasswordConnectionString(db.Database, wrong));

        var failed = Assert.Single((await w.RunAsync(db.Source("crm"))).Sources);
        Assert.False(failed.Succeeded);
        Assert.Contains(db.Env, failed.Error, StringComparison.Ordinal);
        Assert.Contains("28P01", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, failed.Error, StringComparison.Ordinal);
        var ledger = await w.QueryAsync(w.Runner.LedgerUri, "SELECT status, error, file FROM t");
        Assert.Equal("failed", Assert.Single(ledger)[0]);
        Assert.Equal($"postgres://127.0.0.1/{db.Database}/public.customers", ledger[0][2]);
        Assert.DoesNotContain(wrong, (string)ledger[0][1]!, StringComparison.Ordinal);

        // The right password works.
        Environment.SetEnvironmentVariable(db.Env, server.PasswordConnectionString(db.Database, PostgresServer.PasswordRoleSecret));
        Assert.Equal(3, Assert.Single((await w.RunAsync(db.Source("crm"))).Sources).Reconciled().RowsLanded);

        var unset = db.Source("crm") with { Postgres = db.Source("crm").Postgres! with { ConnectionEnv = "CDP_PG_NOT_SET_ANYWHERE" } };
        var missing = Assert.Single((await w.RunAsync(unset)).Sources);
        Assert.Contains("environment variable CDP_PG_NOT_SET_ANYWHERE is not set", missing.Error, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Unsupported_types_and_missing_columns_are_named()
    {
        var db = await PostgresDatabase.CreateAsync(server, """
            CREATE TABLE odd (id int, updated_at timestamptz, tags text[], spot point);
            CREATE TABLE plain (id int, changed timestamptz);
            """);
        await using var w = new Workspace();
        var odd = Assert.Single((await w.RunAsync(db.Source("odd", "public.odd"))).Sources);
        Assert.Contains("column 'tags' has type text[]; column 'spot' has type point, which cannot be ingested", odd.Error, StringComparison.Ordinal);
        var plain = Assert.Single((await w.RunAsync(db.Source("plain", "public.plain"))).Sources);
        Assert.Contains("has no column(s) 'updated_at'", plain.Error, StringComparison.Ordinal);
        var absent = Assert.Single((await w.RunAsync(db.Source("absent", "public.absent"))).Sources);
        Assert.Contains("table public.absent not found", absent.Error, StringComparison.Ordinal);
    }
}

/// <summary>The <c>kind: postgres</c> settings of cdp.yml (no server needed).</summary>
public sealed class PostgresConfigTests
{
    [Fact]
    public void A_postgres_source_is_read_and_its_errors_name_their_key_paths()
    {
        var config = IngestConfig.Read(Section(new Dictionary<string, object?>
        {
            ["kind"] = "postgres", ["connection_env"] = "CDP_PG_CRM", ["table"] = "public.customers", ["primary_key"] = new List<object?> { "id" },
            ["cursor"] = "updated_at",
        }), "/tmp");
        var source = Assert.Single(config.Sources);
        Assert.Equal(SourceFormat.Postgres, source.Format);
        var pg = source.Postgres!;
        Assert.Equal(("CDP_PG_CRM", "public", "customers", "updated_at", PostgresMode.Incremental), (pg.ConnectionEnv, pg.Schema, pg.Table, pg.Cursor, pg.Mode));
        Assert.Equal(["id"], source.Postgres!.PrimaryKey);

        var e = Assert.Throws<IngestException>(() => IngestConfig.Read(Section(new Dictionary<string, object?>
        {
            ["kind"] = "postgres", ["connection_env"] = "Host=db;Password=x", ["table"] = "a.b.c", ["mode"] = "sometimes", ["path"] = "x.csv",
        }), "/tmp"));
        Assert.Contains("cdp.yml: ingest.sources.pg.path: unknown key", e.Message, StringComparison.Ordinal);
        Assert.Contains("cdp.yml: ingest.sources.pg.connection_env: missing or invalid", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=x", e.Message, StringComparison.Ordinal);
        Assert.Contains("cdp.yml: ingest.sources.pg.table: missing or invalid", e.Message, StringComparison.Ordinal);
        Assert.Contains("cdp.yml: ingest.sources.pg.primary_key: missing or invalid", e.Message, StringComparison.Ordinal);
        Assert.Contains("cdp.yml: ingest.sources.pg.mode: unknown mode 'sometimes'", e.Message, StringComparison.Ordinal);
        Assert.Contains("cdp.yml: ingest.sources.pg.cursor: missing", e.Message, StringComparison.Ordinal);

        var full = IngestConfig.Read(Section(new Dictionary<string, object?>
        {
            ["kind"] = "postgres", ["connection_env"] = "CDP_PG_CRM", ["table"] = "customers", ["primary_key"] = "id", ["mode"] = "full",
        }), "/tmp");
        Assert.Equal(("public", null, PostgresMode.Full), (full.Sources[0].Postgres!.Schema, full.Sources[0].Postgres!.Cursor, full.Sources[0].Postgres!.Mode));
    }

    private static Dictionary<string, object?> Section(Dictionary<string, object?> pg)
        => new() { ["sources"] = new Dictionary<string, object?> { ["pg"] = pg } };
}
