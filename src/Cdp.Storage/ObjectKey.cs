namespace Cdp.Storage;

/// <summary>Rules for object keys, shared by every store so they all accept and refuse the same keys.</summary>
public static class ObjectKey
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the key when it could escape the root or is malformed.</summary>
    public static string Validate(string key, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            if (allowEmpty) return key;
            throw new ArgumentException("An object key must not be empty.", nameof(key));
        }
        if (key.StartsWith('/') || key.Contains('\\') || key.Contains('\0'))
            throw new ArgumentException($"Invalid object key '{key}': it must be a relative '/'-separated path without backslashes or NUL.", nameof(key));
        foreach (var segment in key.TrimEnd('/').Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
                throw new ArgumentException($"Invalid object key '{key}': empty, '.' or '..' segments are not allowed.", nameof(key));
        }
        return key;
    }

    /// <summary>Joins key segments with '/', dropping empty ones.</summary>
    public static string Combine(params string[] parts)
        => string.Join('/', parts.Where(p => p.Length > 0).Select(p => p.Trim('/')).Where(p => p.Length > 0));
}
