namespace Cdp.Identity.Resolution;

/// <summary>An identity run that cannot proceed: bad configuration, edges or arguments; the message names what and where.</summary>
public sealed class IdentityException(string message) : Exception(message);
