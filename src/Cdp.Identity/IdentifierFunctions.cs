using Cdp.Engine;

namespace Cdp.Identity;

/// <summary>
/// The normalisers as SQL functions, so staging models call them like built-ins:
/// <c>cdp_normalize_email(email)</c>, <c>cdp_normalize_phone(phone, 'FR')</c>, <c>cdp_normalize_name(first_name)</c>.
/// </summary>
public static class IdentifierFunctions
{
    public static void Register(DuckDbEngine engine)
    {
        engine.RegisterFunction("cdp_normalize_phone", IdentifierNormalizer.Phone);
        engine.RegisterFunction("cdp_normalize_email", IdentifierNormalizer.Email);
        engine.RegisterFunction("cdp_normalize_name", IdentifierNormalizer.Name);
    }
}
