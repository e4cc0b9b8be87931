namespace Cdp.Cli.Output;

/// <summary>How a command prints its result: a readable table, CSV, or one JSON document for machines.</summary>
public enum OutputFormat { Table, Csv, Json }
