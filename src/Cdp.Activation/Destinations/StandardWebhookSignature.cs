using System.Security.Cryptography;
using System.Text;

namespace Cdp.Activation.Destinations;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), where the key is
/// the base64 part of a <c>whsec_</c> secret (a secret without the prefix is used as UTF-8 bytes).
/// </summary>
public static class StandardWebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary>The signing key of a secret. The message never contains the secret.</summary>
    public static byte[] Key(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal)) return Encoding.UTF8.GetBytes(secret);
        try
        {
            return Convert.FromBase64String(secret[SecretPrefix.Length..]);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"A webhook secret starting with '{SecretPrefix}' must continue with base64 (the secret itself is not shown).", nameof(secret));
        }
    }

    /// <summary>The <c>webhook-signature</c> header value.</summary>
    public static string Sign(byte[] key, string messageId, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
