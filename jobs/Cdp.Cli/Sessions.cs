using Cdp.Identity;
using Cdp.Lake;

namespace Cdp.Cli;

/// <summary>The lake sessions of SQL-running commands: DuckDB with the product's SQL functions registered.</summary>
public static class Sessions
{
    /// <summary>A session whose engine (and every connection forked from it) knows <c>cdp_normalize_email/phone/name</c>.</summary>
    public static LakeSession WithSqlFunctions()
    {
        var lake = new LakeSession();
        IdentifierFunctions.Register(lake.Engine);
        return lake;
    }
}
