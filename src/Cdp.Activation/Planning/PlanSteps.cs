using Cdp.Engine;

namespace Cdp.Activation.Planning;

/// <summary>
/// The SQL of a plan, one named step per temp table (see <see cref="SyncPlanner"/>). Export fields are aliased f0, f1, ...
/// With a <paramref name="cap"/>, the diff marks as <c>capped</c> the adds of people who already have that many
/// contacts on the channel (<see cref="ContactPressure"/>'s table).
/// </summary>
internal sealed class PlanSteps(SyncRequest request, string prefix, ContactLimit? cap = null)
{
    private static readonly string[] Tables = ["current", "ledger", "orphans", "held", "rejected", "diff"];

    public string Name(string step) => prefix + "_" + step;

    private string T(string step) => Sql.Identifier(Name(step));

    private string Relation => request.MembershipRelation;

    private string Consent => "m." + Sql.Identifier(request.ConsentColumn);

    /// <summary>Export fields of alias <paramref name="alias"/> as text, aliased f0, f1, ...</summary>
    private string FieldsFrom(string alias) => string.Concat(request.ExportColumns.Select((c, i) => $", CAST({alias}.{Sql.Identifier(c)} AS VARCHAR) AS f{i}"));

    private string FieldRefs(string alias) => string.Concat(request.ExportColumns.Select((_, i) => $", {alias}.f{i}"));

    /// <summary>
    /// The export fields of a held person as last sent (<paramref name="fields"/>: the intent's JSON object), falling back
    /// to the membership row <paramref name="alias"/> for a field the ledger lacks (a ledger from before fields were kept).
    /// </summary>
    private string SentFields(string fields, string alias) => string.Concat(request.ExportColumns.Select((c, i) =>
        $", coalesce(json_extract_string({fields}, {Sql.Literal("$." + JsonPathKey(c))}), CAST({alias}.{Sql.Identifier(c)} AS VARCHAR)) AS f{i}"));

    /// <summary>
    /// For an update (a held person, <c>h</c>, still qualifying, <c>c</c>): the export fields as last sent, aliased s0,
    /// s1, ...; a field the ledger lacks counts as unchanged. NULL for an add.
    /// </summary>
    private string LastSentFields => string.Concat(request.ExportColumns.Select((c, i) =>
        $", CASE WHEN h.person_id IS NULL THEN NULL ELSE coalesce(json_extract_string(h.fields, {Sql.Literal("$." + JsonPathKey(c))}), c.f{i}) END AS s{i}"));

    private string NoSentFields => string.Concat(request.ExportColumns.Select((_, i) => $", CAST(NULL AS VARCHAR) AS s{i}"));

    private static string JsonPathKey(string column) => "\"" + column.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>The fingerprint: SHA-256 of the JSON array of the export fields (NULL and '' differ; no separator can collide).</summary>
    private string Fingerprint => $"sha256(CAST(json_array({string.Join(", ", request.ExportColumns.Select(c => $"CAST(m.{Sql.Identifier(c)} AS VARCHAR)"))}) AS VARCHAR))";

    /// <param name="ledgerHasFields">False for a ledger written before the sent fields were kept.</param>
    public IEnumerable<(string Step, string Sql)> Build(string? ledgerView, bool ledgerHasFields = true)
    {
        yield return ("current", $"""
            CREATE TEMP TABLE {T("current")} AS
            SELECT CAST(m.person_id AS BIGINT) AS person_id{FieldsFrom("m")}, {Fingerprint} AS fingerprint
            FROM {Relation} AS m
            WHERE {Consent} IS TRUE AND m.holdout IS FALSE
            """);

        // One row per record: its intent folded with its outcome, if any (the same batch id and person), in one pass.
        yield return ("ledger", ledgerView is null
            ? $"CREATE TEMP TABLE {T("ledger")}(batch_id VARCHAR, person_id BIGINT, operation VARCHAR, fingerprint VARCHAR, fields VARCHAR, settled BOOLEAN, status VARCHAR, \"at\" TIMESTAMPTZ)"
            : $"""
              CREATE TEMP TABLE {T("ledger")} AS
              SELECT batch_id, person_id, any_value(operation) AS operation, any_value(fingerprint) AS fingerprint,
                     {(ledgerHasFields ? "any_value(fields) FILTER (WHERE event = 'intent')" : "CAST(NULL AS VARCHAR)")} AS fields,
                     bool_or(event = 'outcome') AS settled, any_value(status) FILTER (WHERE event = 'outcome') AS status, max("at") AS "at"
              FROM {ledgerView}
              WHERE destination = {Sql.Literal(request.Destination)} AND audience = {Sql.Literal(request.Audience)}
              GROUP BY batch_id, person_id
              """);

        yield return ("orphans", $"""
            CREATE TEMP TABLE {T("orphans")} AS
            SELECT batch_id, person_id, operation, fingerprint, fields, "at" FROM {T("ledger")} WHERE NOT settled
            """);

        // An orphan intent counts as delivered until proven otherwise: its batch is resent under the same id, which the
        // destination deduplicates, so planning anything else for that person would send them twice.
        yield return ("held", $"""
            CREATE TEMP TABLE {T("held")} AS
            SELECT person_id, operation, fingerprint, batch_id, CASE WHEN settled THEN 'outcome' ELSE 'intent' END AS event, fields
            FROM {T("ledger")}
            WHERE NOT settled OR status = 'accepted'
            QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY "at" DESC) = 1
            """);

        yield return ("rejected", $"""
            CREATE TEMP TABLE {T("rejected")} AS
            SELECT person_id, operation, fingerprint FROM (
                SELECT * FROM {T("ledger")} WHERE status IN ('accepted', 'rejected')
                QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY "at" DESC) = 1
            )
            WHERE status = 'rejected'
            """);

        // Only an add is a contact: an update or remove of someone the destination holds is never capped.
        var capped = cap is null ? "false" : $"h.person_id IS NULL AND r.person_id IS NULL AND coalesce(k.contacts, 0) >= {Sql.Literal(cap.Contacts)}";
        var contacts = cap is null ? "" : $"LEFT JOIN {cap.Table} AS k ON k.person_id = c.person_id";
        yield return ("diff", $"""
            CREATE TEMP TABLE {T("diff")} AS
            SELECT c.person_id, CASE WHEN h.person_id IS NULL THEN 'add' ELSE 'update' END AS operation, c.fingerprint{FieldRefs("c")},
                   r.person_id IS NOT NULL AS skipped, {capped} AS capped{LastSentFields}
            FROM {T("current")} AS c
            LEFT JOIN (SELECT * FROM {T("held")} WHERE operation <> 'remove') AS h ON h.person_id = c.person_id
            LEFT JOIN {T("rejected")} AS r ON r.person_id = c.person_id AND r.fingerprint = c.fingerprint AND r.operation <> 'remove'
            {contacts}
            WHERE h.person_id IS NULL OR h.fingerprint <> c.fingerprint
            UNION ALL
            -- A remove identifies the person by the fields last sent; one the platform refused is not resent until they change.
            SELECT h.person_id, 'remove' AS operation, h.fingerprint{SentFields("h.fields", "m")}, r.person_id IS NOT NULL AS skipped, false AS capped{NoSentFields}
            FROM (SELECT * FROM {T("held")} WHERE operation <> 'remove') AS h
            LEFT JOIN {Relation} AS m ON CAST(m.person_id AS BIGINT) = h.person_id
            LEFT JOIN {T("rejected")} AS r ON r.person_id = h.person_id AND r.fingerprint = h.fingerprint AND r.operation = 'remove'
            WHERE NOT EXISTS (SELECT 1 FROM {T("current")} AS c WHERE c.person_id = h.person_id)
            """);
    }

    public string CountsSql() => $"""
        SELECT
            (SELECT count(*) FROM {Relation} AS m),
            (SELECT count(*) FROM {T("current")}),
            (SELECT count(*) FROM {Relation} AS m WHERE m.holdout IS FALSE AND {Consent} IS NOT TRUE),
            (SELECT count(*) FROM {Relation} AS m WHERE m.holdout IS NOT FALSE),
            (SELECT count(*) FROM {T("held")} WHERE operation <> 'remove'),
            (SELECT count(*) FROM {T("diff")} WHERE NOT skipped AND NOT capped AND operation = 'add'),
            (SELECT count(*) FROM {T("diff")} WHERE NOT skipped AND operation = 'update'),
            (SELECT count(*) FROM {T("diff")} WHERE NOT skipped AND operation = 'remove'),
            (SELECT count(*) FROM {T("current")} AS c JOIN {T("held")} AS h ON h.person_id = c.person_id AND h.operation <> 'remove' AND h.fingerprint = c.fingerprint),
            (SELECT count(*) FROM {T("diff")} WHERE skipped),
            (SELECT count(*) FROM {T("diff")} WHERE capped)
        """;

    /// <summary>
    /// Orphan intents: batch_id, person_id, operation, fingerprint, wanted, fields. Wanted means the intent is still the
    /// person's latest and still what the membership asks for (same fingerprint; for a remove, still not qualifying).
    /// </summary>
    public string RecoverySql() => $"""
        SELECT o.batch_id, o.person_id, o.operation, o.fingerprint,
               coalesce(h.event = 'intent' AND h.batch_id = o.batch_id AND
                        CASE WHEN o.operation = 'remove' THEN c.person_id IS NULL ELSE c.fingerprint = o.fingerprint END, false) AS wanted
               {string.Concat(request.ExportColumns.Select((col, i) =>
                   $", CASE WHEN o.operation = 'remove' THEN coalesce(json_extract_string(o.fields, {Sql.Literal("$." + JsonPathKey(col))}), CAST(m.{Sql.Identifier(col)} AS VARCHAR)) ELSE c.f{i} END"))}
        FROM {T("orphans")} AS o
        JOIN {T("held")} AS h ON h.person_id = o.person_id
        LEFT JOIN {T("current")} AS c ON c.person_id = o.person_id
        LEFT JOIN {Relation} AS m ON CAST(m.person_id AS BIGINT) = o.person_id
        ORDER BY o.batch_id, o.person_id
        """;

    public string DiffSql() => $"""
        SELECT person_id, operation, fingerprint{string.Concat(request.ExportColumns.Select((_, i) => $", f{i}"))}{string.Concat(request.ExportColumns.Select((_, i) => $", s{i}"))}
        FROM {T("diff")} WHERE NOT skipped AND NOT capped
        ORDER BY operation, person_id
        """;

    /// <summary>Counts the plan's adds as contacts in the cap's table, so later plans of the run see them.</summary>
    public IEnumerable<string> RecordContactsSql()
    {
        if (cap is null) yield break;
        const string planned = "d.operation = 'add' AND NOT d.skipped AND NOT d.capped";
        yield return $"""
            UPDATE {cap.Table} AS k SET contacts = k.contacts + 1
            FROM {T("diff")} AS d WHERE d.person_id = k.person_id AND {planned}
            """;
        yield return $"""
            INSERT INTO {cap.Table} (person_id, contacts)
            SELECT d.person_id, 1 FROM {T("diff")} AS d
            WHERE {planned} AND NOT EXISTS (SELECT 1 FROM {cap.Table} AS k WHERE k.person_id = d.person_id)
            """;
    }

    public string DropAll()
        => string.Join("; ", Tables.Select(t => $"DROP TABLE IF EXISTS {T(t)}").Append($"DROP VIEW IF EXISTS {T("ledger_view")}"));
}
