using System.Security.Cryptography;
using System.Text;

namespace Cdp.Activation.Destinations.Mailchimp;

/// <summary>Mailchimp's key of a list member.</summary>
public static class MailchimpSubscriberHash
{
    /// <summary>The subscriber hash: lowercase hex MD5 of the UTF-8 of the trimmed, lowercased address.</summary>
    public static string Of(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
#pragma warning disable CA5351 // MD5 is Mailchimp's choice of member key, not a security measure.
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));
#pragma warning restore CA5351
    }
}
