using Cdp.Ingestion.Config;
using Cdp.Modeling.Diagnostics;
using Cdp.Modeling.Templating;
using Cdp.Testing;
using Npgsql;

namespace Cdp.Ingestion.Tests;

/// <summary>Every test class that uses the PostgreSQL server shares one server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>A database of its own on the shared server, the environment variable holding its connection string, and helpers.</summary>
internal sealed class PostgresDatabase
{
    private PostgresDatabase(string connectionString, string env)
    {
        ConnectionString = connectionString;
        Env = env;
        Database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
    }

    public string ConnectionString { get; }

    /// <summary>The environment variable (unique to this database) that holds <see cref="ConnectionString"/>.</summary>
    public string Env { get; }

    public string Database { get; }

    public static async Task<PostgresDatabase> CreateAsync(PostgresServer server, string setupSql)
    {
        var connectionString = await server.CreateDatabaseAsync();
        var env = $"CDP_PG_TEST_{Guid.NewGuid():N}".ToUpperInvariant();
        Environment.SetEnvironmentVariable(env, connectionString);
        var database = new PostgresDatabase(connectionString, env);
        await database.ExecuteAsync(setupSql);
        return database;
    }

    public Task ExecuteAsync(string sql) => PostgresServer.ExecuteAsync(ConnectionString, sql);

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public SourceDefinition Source(string name, string table = "public.customers", PostgresMode mode = PostgresMode.Incremental, string? cursor = "updated_at")
    {
        var parts = table.Split('.');
        return new SourceDefinition(name, SourceFormat.Postgres, "", ',', [], new PostgresSettings(Env, parts[0], parts[1], ["id"], cursor, mode));
    }
}

/// <summary>Renders macros of the repository's sql/macros/staging.sql.</summary>
internal static class StagingMacros
{
    public static string Render(string call)
    {
        var engine = new JinjaTemplateEngine();
        var bag = new DiagnosticBag();
        var scope = new TemplateScope();
        scope.AddMacros(engine.Parse("sql/macros/staging.sql", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "sql", "macros", "staging.sql")), bag));
        var output = engine.Parse("models/m.sql", call, bag).Render(scope, bag);
        Assert.True(bag.Items.Count == 0, string.Join("\n", bag.Items));
        return output;
    }
}
