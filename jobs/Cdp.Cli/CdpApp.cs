using Cdp.Cli.Commands;
using Cdp.Delta;
using Cdp.Engine;
using Cdp.Identity.Matching;
using Cdp.Lake;
using Cdp.Modeling.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Cdp.Cli;

/// <summary>The <c>cdp</c> command line: the one composition root of the product's jobs.</summary>
public static class CdpApp
{
    private static readonly AsyncLocal<TextWriter?> Stderr = new();

    /// <summary>The standard error of the running command (diagnostics and warnings go there, never into JSON output).</summary>
    public static TextWriter CurrentError => Stderr.Value ?? Console.Error;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        Stderr.Value = stderr;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            Interactive = Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("cdp");
            config.Settings.Console = console;
            config.Settings.PropagateExceptions = true;
            config.Settings.StrictParsing = true;
            config.SetHelpProvider(new CdpHelpProvider(config.Settings));
            config.AddExample("demo");
            config.AddExample("lake", "append", "./lake/bronze/customers", "customers.csv");
            config.AddExample("sql", "\"SELECT count(*) FROM bronze.customers\"", "--lake", "./lake");

            config.AddBranch<CdpSettings>("demo", demo =>
            {
                demo.SetDescription("Runs the pipeline end to end on the embedded default: generates the demo brand, ingests it, resolves identities, builds the profiles, trains, scores and evaluates the ML models.");
                demo.SetDefaultCommand<DemoCommand>();
                demo.AddExample("demo");
                demo.AddExample("demo", "--people", "20000", "--format", "json");
                demo.AddCommand<DemoLakeCommand>("lake")
                    .WithDescription("A tour of the lake's features on synthetic customers: idempotent batches, upsert, GDPR erasure through vacuum, time travel.")
                    .WithExample("demo", "lake")
                    .WithExample("demo", "lake", "--lake", "/tmp/lake", "--format", "json");
                demo.AddCommand<DemoGenerateCommand>("generate")
                    .WithDescription("Writes a demo beauty brand's data silos (CRM, loyalty, e-shop, web, app, stores, e-mail, consents, catalogue) and their ground truth as files.")
                    .WithExample("demo", "generate")
                    .WithExample("demo", "generate", "--people", "1000000", "--seed", "7", "--out", "/tmp/brand", "--format", "json");
            });

            config.AddBranch("lake", lake =>
            {
                lake.SetDescription("Delta Lake tables: append files, export snapshots, inspect history, vacuum.");
                lake.AddCommand<LakeAppendCommand>("append")
                    .WithDescription("Appends a CSV, JSON-lines or Parquet file to a Delta table, creating the table when absent.")
                    .WithExample("lake", "append", "./lake/bronze/orders", "orders.jsonl")
                    .WithExample("lake", "append", "./lake/bronze/orders", "orders.csv", "--partition-by", "country", "--app-id", "orders-feed", "--app-version", "42");
                lake.AddCommand<LakeExportCommand>("export")
                    .WithDescription("Writes a table's snapshot (latest, or as of a version or timestamp) as one Parquet file.")
                    .WithExample("lake", "export", "./lake/bronze/orders", "orders.parquet")
                    .WithExample("lake", "export", "./lake/bronze/orders", "orders-v3.parquet", "--version", "3");
                lake.AddCommand<LakeHistoryCommand>("history")
                    .WithDescription("Lists a table's commits, newest first.")
                    .WithExample("lake", "history", "./lake/bronze/orders", "--format", "json");
                lake.AddCommand<LakeDescribeCommand>("describe")
                    .WithDescription("Shows a table's schema, partitioning, protocol, files and size.")
                    .WithExample("lake", "describe", "./lake/bronze/orders");
                lake.AddCommand<LakeVacuumCommand>("vacuum")
                    .WithDescription("Deletes data files no longer referenced and older than the retention (default the table's, 7 days).")
                    .WithExample("lake", "vacuum", "./lake/bronze/orders", "--dry-run")
                    .WithExample("lake", "vacuum", "./lake/bronze/orders", "--retain", "0", "--force");
            });

            config.AddBranch("models", models =>
            {
                models.SetDescription("SQL models (a dbt-style project): compile, run, test, build, seed, list.");
                models.AddCommand<ModelsCompileCommand>("compile")
                    .WithDescription("Renders every model, test and analysis to SQL under target/compiled and writes target/manifest.json.")
                    .WithExample("models", "compile")
                    .WithExample("models", "compile", "--project-dir", "path/to/dbt-project", "-s", "+orders");
                models.AddCommand<ModelsRunCommand>("run")
                    .WithDescription("Runs the selected models in dependency order; tables and incremental models are Delta commits in the lake.")
                    .WithExample("models", "run")
                    .WithExample("models", "run", "-s", "tag:daily", "--exclude", "path:models/audiences", "--threads", "4");
                models.AddCommand<ModelsTestCommand>("test")
                    .WithDescription("Runs the data tests (unique, not_null, accepted_values, relationships, singular SQL tests).")
                    .WithExample("models", "test", "-s", "orders");
                models.AddCommand<ModelsBuildCommand>("build")
                    .WithDescription("Seeds, models and tests in dependency order; what depends on a failing test is skipped.")
                    .WithExample("models", "build", "--project-dir", "path/to/dbt-project", "--lake", "/tmp/lake");
                models.AddCommand<ModelsSeedCommand>("seed")
                    .WithDescription("Loads the CSV seeds as Delta tables.")
                    .WithExample("models", "seed", "--full-refresh");
                models.AddCommand<ModelsListCommand>("ls")
                    .WithDescription("Lists the selected nodes with their materialization, relation and dependencies.")
                    .WithExample("models", "ls", "-s", "+customers", "--format", "json");
            });

            config.AddCommand<IngestCommand>("ingest")
                .WithDescription("Lands the files of the project's ingest sources into bronze Delta tables, each file exactly once; bad rows are quarantined with the reason.")
                .WithExample("ingest")
                .WithExample("ingest", "crm_customers", "web_events", "--format", "json")
                .WithExample("ingest", "--project-dir", "path/to/project", "--lake", "/tmp/lake");

            config.AddBranch("identity", identity =>
            {
                identity.SetDescription("Resolves identifiers into stable person ids, explains who is who and why, and deduplicates person records probabilistically.");
                identity.AddCommand<IdentityRunCommand>("run")
                    .WithDescription("Clusters the identifier graph (silver.identity_edges) into persons under the identity: rules of cdp.yml, keeps person ids stable across runs, and publishes silver.identity_person_map when the health gate passes.")
                    .WithExample("identity", "run")
                    .WithExample("identity", "run", "--format", "json");
                identity.AddCommand<IdentityExplainCommand>("explain")
                    .WithDescription("Prints the person an identifier belongs to with all their identifiers; with a second identifier, the chain of records linking the two, or the refused links keeping them apart.")
                    .WithExample("identity", "explain", "email:ana@example.com")
                    .WithExample("identity", "explain", "customer_number:C123", "phone:+33612345678");
                identity.AddCommand<IdentityDedupeCommand>("dedupe")
                    .WithDescription("Finds records of the same person in one CSV or Parquet file (Fellegi-Sunter: blocking, EM-estimated m/u, match weights) and clusters the links.")
                    .WithExample("identity", "dedupe", "people.csv", "--settings", "febrl.yml", "--out", "dedupe")
                    .WithExample("identity", "dedupe", "people.parquet", "--settings", "m.yml", "--out", "o", "--format", "json");
            });

            config.AddBranch("ml", ml =>
            {
                ml.SetDescription("Trains, scores and evaluates the churn, repurchase and customer value models on the lake's gold tables; models are versioned in gold.ml_models.");
                ml.AddCommand<MlTrainCommand>("train")
                    .WithDescription("Builds point-in-time training sets from several cutoffs, sweeps LightGBM, FastTree and a linear baseline (or fits BG/NBD and Gamma-Gamma for value) and registers the model with its metrics and input table versions.")
                    .WithExample("ml", "train", "churn")
                    .WithExample("ml", "train", "repurchase:skincare", "--horizon", "45")
                    .WithExample("ml", "train", "value", "--format", "json");
                ml.AddCommand<MlScoreCommand>("score")
                    .WithDescription("Scores every customer who did not refuse profiling with the latest churn, repurchase and value models into gold.customer_scores.")
                    .WithExample("ml", "score");
                ml.AddCommand<MlEvaluateCommand>("evaluate")
                    .WithDescription("Trains on older cutoffs and judges the churn and repurchase models on a holdout they never saw, against the BG/NBD baseline.")
                    .WithExample("ml", "evaluate")
                    .WithExample("ml", "evaluate", "--format", "json");
            });

            config.AddBranch("audiences", audiences =>
            {
                audiences.SetDescription("Builds the audiences of cdp.yml's audiences: section into gold.audience_members, with consent per channel and holdouts, and inspects them.");
                audiences.AddCommand<AudiencesBuildCommand>("build")
                    .WithDescription("Builds every audience into gold.audience_members (one Delta version per build) with per-channel contactability from consents and deterministic holdouts, and appends the counts to gold.audience_summary.")
                    .WithExample("audiences", "build")
                    .WithExample("audiences", "build", "--format", "json");
                audiences.AddCommand<AudiencesListCommand>("ls")
                    .WithDescription("Lists the defined audiences with their channels, priority and the members of the latest build.")
                    .WithExample("audiences", "ls");
                audiences.AddCommand<AudiencesShowCommand>("show")
                    .WithDescription("Shows one audience: its definition, its compiled SQL predicate and the counts of its latest build.")
                    .WithExample("audiences", "show", "win_back");
                audiences.AddCommand<AudiencesOverlapCommand>("overlap")
                    .WithDescription("Prints how many people every pair of audiences shares, with their summed customer value when the scores exist.")
                    .WithExample("audiences", "overlap")
                    .WithExample("audiences", "overlap", "--format", "json");
            });

            config.AddCommand<SyncCommand>("sync")
                .WithDescription("Sends each destination of cdp.yml the changes to its audiences since the last sync: members with the channel's consent, outside holdouts. Outcomes go to gold.sync_ledger; an interrupted run resumes without sending anyone twice.")
                .WithExample("sync")
                .WithExample("sync", "crm_webhook", "--dry-run")
                .WithExample("sync", "--audience", "vip", "--format", "json")
                .WithExample("sync", "crm_webhook", "tills", "--sandbox");

            config.AddCommand<ProfileCommand>("profile")
                .WithDescription("Resolves any identifier (phone, e-mail, customer number, loyalty card...) to the person's golden profile, traits, scores and latest cart across devices.")
                .WithExample("profile", "0612345678")
                .WithExample("profile", "email:ana@example.com", "--format", "json");

            config.AddCommand<SqlCommand>("sql")
                .WithDescription("Runs DuckDB SQL where every Delta table of the lake is a view named zone.table.")
                .WithExample("sql", "\"SELECT * FROM bronze.customers LIMIT 10\"", "--lake", "./lake")
                .WithExample("sql", "\"SELECT 42 AS answer\"", "--format", "json");
        });

        try
        {
            return await app.RunAsync(args, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (CommandParseException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            await stderr.WriteLineAsync("Run 'cdp --help' for usage.");
            return ExitCodes.Usage;
        }
        catch (CommandRuntimeException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (ModelingException e)
        {
            await stderr.WriteLineAsync($"error: {e.Report()}");
            return ExitCodes.Failure;
        }
        catch (DeltaException e) when (e.Kind == DeltaErrorKind.ConcurrentModification)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Conflict;
        }
        catch (Exception e) when (e is DeltaException or LakeException or SqlEngineException or MatchException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
