using Cdp.Cli.Tests.Support;
using Cdp.Testing;
using Npgsql;

namespace Cdp.Cli.Tests;

/// <summary>The PostgreSQL test server, shared by the CLI tests that need it.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary><c>cdp ingest</c> of a <c>kind: postgres</c> source in-process: the JSON summary, a re-run, a failing login.</summary>
[Collection(PostgresCollection.Name)]
public sealed class IngestPostgresTests(PostgresServer server) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [PostgresFact]
    public async Task Ingest_of_a_postgres_source_prints_json_and_a_rerun_lands_only_changes()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await PostgresServer.ExecuteAsync(connectionString, """
            CREATE TABLE customers (id bigint PRIMARY KEY, email text, updated_at timestamptz NOT NULL);
            INSERT INTO customers SELECT i, 'c' || i || '@example.com', timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute' FROM generate_series(1, 50) AS i;
            """);
        var env = $"CDP_PG_CLI_{Guid.NewGuid():N}".ToUpperInvariant();
        Environment.SetEnvironmentVariable(env, connectionString);
        File.WriteAllText(_dir.Path("cdp.yml"),
            $"name: x\ningest:\n  sources:\n    crm: {{kind: postgres, connection_env: {env}, table: public.customers, primary_key: [id], cursor: updated_at, mode: incremental}}\n");
        var lake = _dir.Path("lake");

        var json = (await CdpCli.RunAsync("ingest", "crm", "--project-dir", _dir.Root, "--lake", lake, "--format", "json")).Succeeded().JsonObject();
        var crm = Assert.Single(json["sources"]!.AsArray())!;
        Assert.Equal(50, crm["rows_read"]!.GetValue<long>());
        Assert.Equal(50, crm["rows_landed"]!.GetValue<long>());
        Assert.Equal(1, crm["files_new"]!.GetValue<int>());
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        Assert.Equal($"postgres://127.0.0.1/{database}/public.customers", crm["files"]![0]!["file"]!.GetValue<string>());

        await PostgresServer.ExecuteAsync(connectionString,
            "UPDATE customers SET email = 'new@example.com', updated_at = '2024-02-01 00:00:00+00' WHERE id = 7; INSERT INTO customers VALUES (51, 'x@example.com', '2024-02-02 00:00:00+00')");
        var again = (await CdpCli.RunAsync("ingest", "crm", "--project-dir", _dir.Root, "--lake", lake, "--format", "json")).Succeeded().JsonObject();
        Assert.Equal(2, again["sources"]![0]!["rows_landed"]!.GetValue<long>());
        Assert.Equal(52, await TableState.CountAsync(Path.Combine(lake, "bronze", "crm")));

        // A wrong password: exit 1, the env var named, the password nowhere in the output.
        const string wrong = "N0t-The-Password-123";
        Environment.SetEnvironmentVariable(env, server.PasswordConnectionString(database!, wrong));
        var failed = await CdpCli.RunAsync("ingest", "crm", "--project-dir", _dir.Root, "--lake", lake, "--format", "json");
        Assert.Equal(1, failed.ExitCode);
        Assert.False(failed.JsonObject()["succeeded"]!.GetValue<bool>());
        Assert.StartsWith("error: source 'crm': PostgreSQL at host '127.0.0.1'", failed.Stderr, StringComparison.Ordinal);
        Assert.Contains(env, failed.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, failed.Stderr + failed.Stdout, StringComparison.Ordinal);
    }
}
