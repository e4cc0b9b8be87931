using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Cdp.Testing;

/// <summary>
/// A real PostgreSQL server (the installed binaries, version 15 or later) on 127.0.0.1 and a free port, with its
/// data in a temp folder; use it as an xunit fixture. PostgreSQL refuses to run as root, so under root the server runs
/// as the unprivileged user <c>nobody</c>. Connections from 127.0.0.1 are trusted, except for the role
/// <see cref="PasswordRole"/>, which must give <see cref="PasswordRoleSecret"/> (for tests of failing logins).
/// Disposing stops the server and deletes the data. When the binaries are missing, <see cref="InitializeAsync"/>
/// records why and every use of the server throws; <see cref="PostgresFactAttribute"/> skips instead outside CI.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime, IDisposable
{
    /// <summary>A role that logs in with a password only.</summary>
    public const string PasswordRole = "cdp_secret_user";

    /// <summary>The password of <see cref="PasswordRole"/>.</summary>
    public const string PasswordRoleSecret = "s3cret-Pa55word-for-tests";

    private const string RunAs = "nobody";
    private static readonly string[] BinDirectories = ["/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin"];

    private string? _root;
    private string? _bin;
    private string? _failure;
    private int _databases;
    private bool _asRoot;

    /// <summary>The folder holding initdb and pg_ctl, or null when PostgreSQL is not installed.</summary>
    public static string? BinDirectory
    {
        get
        {
            foreach (var dir in BinDirectories)
            {
                if (File.Exists(Path.Combine(dir, "initdb"))) return dir;
            }
            var path = Environment.GetEnvironmentVariable("PATH") ?? "";
            return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        }
    }

    /// <summary>One line naming what to install, used as the skip or failure reason.</summary>
    public static string MissingReason
        => "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/<15..17>/bin or on PATH: install them (apt-get install postgresql).";

    public int Port { get; private set; }

    /// <summary>A connection string to the <c>postgres</c> database as the superuser (trust authentication).</summary>
    public string AdminConnectionString => Builder("postgres").ConnectionString;

    public async Task InitializeAsync()
    {
        _bin = BinDirectory;
        if (_bin is null)
        {
            _failure = MissingReason;
            return;
        }
        try
        {
            await StartAsync(_bin);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception or NpgsqlException)
        {
            _failure = $"PostgreSQL did not start: {e.Message}";
        }
    }

    /// <summary>Creates a new, empty database with a unique name and returns a connection string to it (trusted superuser).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        ThrowIfFailed();
        var name = $"db{Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture)}_{Guid.NewGuid().ToString("N")[..8]}";
        await ExecuteAsync(AdminConnectionString, $"CREATE DATABASE {name}");
        return Builder(name).ConnectionString;
    }

    /// <summary>A connection string to <paramref name="database"/> as <see cref="PasswordRole"/> with <paramref name="password"/>.</summary>
    public string PasswordConnectionString(string database, string password)
    {
        var builder = Builder(database);
        builder.Username = PasswordRole;
        builder.Password = password;
        return builder.ConnectionString;
    }

    /// <summary>Runs statements (separated by ';') on the database of <paramref name="connectionString"/>.</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_root is null) return;
        if (_bin is not null && Directory.Exists(Path.Combine(_root, "data")))
            Run(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"], TimeSpan.FromSeconds(30), _asRoot, throwOnFailure: false);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder must not fail a test
        }
        catch (UnauthorizedAccessException)
        {
        }
        _root = null;
    }

    private NpgsqlConnectionStringBuilder Builder(string database)
    {
        ThrowIfFailed();
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Database = database, Username = "postgres", Pooling = false, Timeout = 15, CommandTimeout = 60,
        };
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null) throw new InvalidOperationException(_failure);
    }

    private async Task StartAsync(string bin)
    {
        // Not under the per-user temp folder: the server's user must be able to reach its data folder.
        _root = Path.Combine("/tmp", $"cdp-postgres-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
        var asRoot = _asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", [RunAs, _root], TimeSpan.FromSeconds(10));
        var data = Path.Combine(_root, "data");
        Run(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], TimeSpan.FromSeconds(120), asRoot);
        File.WriteAllText(Path.Combine(data, "pg_hba.conf"),
            $"host all {PasswordRole} 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\nlocal all all trust\n");
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = $"-c listen_addresses=127.0.0.1 -p {Port.ToString(CultureInfo.InvariantCulture)} -k {_root} -c fsync=off -c synchronous_commit=off " +
                          "-c full_page_writes=off -c max_connections=50 -c shared_buffers=32MB";
            var (ok, output) = Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(_root, "server.log"), "-o", options, "-w", "-t", "60", "start"],
                TimeSpan.FromSeconds(90), asRoot, throwOnFailure: false);
            if (ok) break;
            var log = File.Exists(Path.Combine(_root, "server.log")) ? File.ReadAllText(Path.Combine(_root, "server.log")) : "";
            // Another process may take the free port between our probe and the server's bind: try another one.
            if (attempt < 3 && log.Contains("could not bind", StringComparison.Ordinal)) continue;
            throw new InvalidOperationException($"pg_ctl start failed: {output}\n{log}");
        }
        await ExecuteAsync(AdminConnectionString,
            $"CREATE ROLE {PasswordRole} LOGIN SUPERUSER PASSWORD '{PasswordRoleSecret}'");
    }

    private static (bool Ok, string Output) Run(string executable, string[] args, TimeSpan timeout, bool asUser = false, bool throwOnFailure = true)
    {
        var start = new ProcessStartInfo(asUser ? "runuser" : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/tmp",
        };
        if (asUser)
        {
            foreach (var a in new[] { "-u", RunAs, "--", executable }) start.ArgumentList.Add(a);
        }
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{executable}' did not start.");
        var output = OutputTail.Attach(process);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"'{Path.GetFileName(executable)}' did not finish within {timeout.TotalSeconds} s. Output:\n{output}");
        }
        process.WaitForExit();
        var ok = process.ExitCode == 0;
        if (!ok && throwOnFailure)
            throw new InvalidOperationException($"'{Path.GetFileName(executable)} {string.Join(' ', args)}' exited with code {process.ExitCode}. Output:\n{output}");
        return (ok, output.ToString());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// A fact that needs <see cref="PostgresServer"/>. Outside CI (the <c>CI</c> environment variable unset) it is
/// skipped, naming what to install, when the PostgreSQL binaries are missing; under CI it runs and fails clearly.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.BinDirectory is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))) Skip = PostgresServer.MissingReason;
    }
}
