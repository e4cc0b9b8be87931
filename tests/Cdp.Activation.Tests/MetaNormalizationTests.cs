using System.Security.Cryptography;
using System.Text;
using Cdp.Activation.Destinations.Meta;

namespace Cdp.Activation.Tests;

/// <summary>
/// Test vectors for Meta's normalisation: each case gives the raw value and the normalised text written out
/// literally; the expected hash is computed here from that text, independently of the code under test.
/// </summary>
public class MetaNormalizationTests
{
    private static string Sha256(string normalised) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));

    [Theory]
    // EMAIL: trimmed and lowercased.
    [InlineData("EMAIL", "Test@Example.com", "test@example.com")]
    [InlineData("EMAIL", "  TEST@EXAMPLE.COM\t\n", "test@example.com")]
    [InlineData("EMAIL", " Zoë.O'Brien+ads@Exämple.FR ", "zoë.o'brien+ads@exämple.fr")]
    // PHONE: digits with the country code, no '+', no leading zeros.
    [InlineData("PHONE", "+33612345678", "33612345678")]
    [InlineData("PHONE", "+33 6 12 34 56 78", "33612345678")]
    [InlineData("PHONE", "0033612345678", "33612345678")]
    [InlineData("PHONE", "00 33 6-12-34-56-78", "33612345678")]
    [InlineData("PHONE", "+33 (0)6 12 34 56 78", "33612345678")]
    [InlineData("PHONE", "+1 (415) 555-0100", "14155550100")]
    [InlineData("PHONE", "+４４ ７７００ ９００１２３", "447700900123")]
    // FN / LN: lowercase letters only, any script; punctuation, spaces and digits removed.
    [InlineData("FN", "Zoë", "zoë")]
    [InlineData("FN", "  Jean-Luc ", "jeanluc")]
    [InlineData("LN", "O'Brien", "obrien")]
    [InlineData("LN", "ÑANDÚ Pérez-García", "ñandúpérezgarcía")]
    [InlineData("LN", "Łukasz 3rd.", "łukaszrd")]
    [InlineData("FN", "Алексей", "алексей")]
    [InlineData("LN", "山田", "山田")]
    // FI: the first letter of the first name.
    [InlineData("FI", "Zoë", "z")]
    [InlineData("FI", " 'Émile", "é")]
    // GEN
    [InlineData("GEN", "M", "m")]
    [InlineData("GEN", "male", "m")]
    [InlineData("GEN", " Female ", "f")]
    [InlineData("GEN", "w", "f")]
    // Birth date parts from YYYY-MM-DD.
    [InlineData("DOBY", "1987-07-04", "1987")]
    [InlineData("DOBM", "1987-07-04", "07")]
    [InlineData("DOBD", "1987-07-04", "04")]
    [InlineData("DOBD", "1987-07-04 00:00:00", "04")]
    [InlineData("DOBM", "7", "07")]
    // City and state: lowercase letters only.
    [InlineData("CT", "Saint-Étienne", "saintétienne")]
    [InlineData("CT", "New York City", "newyorkcity")]
    [InlineData("ST", "CA", "ca")]
    [InlineData("ST", "Île-de-France", "îledefrance")]
    // ZIP: lowercase, no spaces or dashes; a US ZIP+4 keeps its first 5 digits.
    [InlineData("ZIP", "94105-1234", "94105")]
    [InlineData("ZIP", "941051234", "94105")]
    [InlineData("ZIP", " 94105 ", "94105")]
    [InlineData("ZIP", "SW1A 1AA", "sw1a1aa")]
    [InlineData("ZIP", "75 001", "75001")]
    // COUNTRY: ISO alpha-2, lowercase.
    [InlineData("COUNTRY", "FR", "fr")]
    [InlineData("COUNTRY", " gb ", "gb")]
    public void HashedKeysNormaliseThenHash(string key, string raw, string normalised)
    {
        Assert.Equal(normalised, MetaNormalization.Normalize(key, raw));
        Assert.Equal(Sha256(normalised), MetaNormalization.Encode(key, raw));
        Assert.Matches("^[0-9a-f]{64}$", MetaNormalization.Encode(key, raw));
    }

    [Theory]
    [InlineData("EMAIL", null)]
    [InlineData("EMAIL", "")]
    [InlineData("EMAIL", "   ")]
    [InlineData("EMAIL", "not-an-email")]
    [InlineData("EMAIL", "@example.com")]
    [InlineData("PHONE", "n/a")]
    [InlineData("PHONE", "+00")]
    [InlineData("FN", "  -- . ")]
    [InlineData("FI", "123")]
    [InlineData("LN", "'")]
    [InlineData("GEN", "x")]
    [InlineData("GEN", "unknown")]
    [InlineData("DOBY", "1987-13-45")]
    [InlineData("DOBY", "1850-01-01")]
    [InlineData("DOBM", "13")]
    [InlineData("DOBD", "yesterday")]
    [InlineData("CT", "12 - 14")]
    [InlineData("ZIP", " - ")]
    [InlineData("COUNTRY", "France")]
    [InlineData("COUNTRY", "F")]
    [InlineData("COUNTRY", "F1")]
    [InlineData("EXTERN_ID", "  ")]
    [InlineData("MADID", null)]
    public void NothingLeftIsTheEmptyStringNotTheHashOfIt(string key, string? raw)
    {
        Assert.Equal("", MetaNormalization.Normalize(key, raw));
        Assert.Equal("", MetaNormalization.Encode(key, raw));
    }

    [Fact]
    public void PublishedStyleVectorsMatchLiteralHashes()
    {
        // printf %s test@example.com | sha256sum
        Assert.Equal("973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b", MetaNormalization.Encode("EMAIL", " Test@Example.COM "));
        // printf %s 33612345678 | sha256sum
        Assert.Equal("8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661", MetaNormalization.Encode("PHONE", "+33 6 12 34 56 78"));
        // printf %s zoë | sha256sum (UTF-8)
        Assert.Equal("2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450", MetaNormalization.Encode("FN", "Zoë"));
        // printf %s obrien | sha256sum
        Assert.Equal("b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba", MetaNormalization.Encode("LN", "O'Brien"));
        // printf %s 94105 | sha256sum
        Assert.Equal("e73ac16e69f060ee98b0fda5f66f48c4648ee26950e9bab3a097389853fd859e", MetaNormalization.Encode("ZIP", "94105-1234"));
        // printf %s fr | sha256sum
        Assert.Equal("67ad8f41a7bb0a18c45f3efd8f6a32bdcd832bcf8f3f2eb44006c03d53076e18", MetaNormalization.Encode("COUNTRY", "FR"));
        // printf %s m | sha256sum; printf %s f | sha256sum
        Assert.Equal("62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a", MetaNormalization.Encode("GEN", "Male"));
        Assert.Equal("252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111", MetaNormalization.Encode("GEN", "F"));
        // printf %s 1987 | sha256sum; printf %s 07 | sha256sum
        Assert.Equal("744b93f9950fc38dad705556931ea48193b99dcb191cc9bd77097f65fbe2f0b8", MetaNormalization.Encode("DOBY", "1987-07-04"));
        Assert.Equal("19b100ab7725c612f3d80ff203ca53cea5cadaafae3bf0f88f0fb4089fe08815", MetaNormalization.Encode("DOBM", "1987-07-04"));
        // printf %s saintétienne | sha256sum
        Assert.Equal("bb35a91d6f2bd7ba807fdd240cc838bdd3b20fe1a6fdedba60d941fbe8d5c10f", MetaNormalization.Encode("CT", "Saint-Étienne"));
    }

    [Fact]
    public void ExternIdAndMadidAreSentUnhashed()
    {
        Assert.False(MetaNormalization.IsHashed("EXTERN_ID"));
        Assert.False(MetaNormalization.IsHashed("MADID"));
        Assert.Equal("42", MetaNormalization.Encode("EXTERN_ID", " 42 "));
        Assert.Equal("Crm-ABC", MetaNormalization.Encode("EXTERN_ID", "Crm-ABC"));
        Assert.Equal("aece52e7-03ee-455a-b3c4-e57283966239", MetaNormalization.Encode("MADID", "AECE52E7-03EE-455A-B3C4-E57283966239"));
        Assert.All(MetaNormalization.Keys.Where(k => k is not ("EXTERN_ID" or "MADID")), k => Assert.True(MetaNormalization.IsHashed(k)));
    }

    [Fact]
    public void TheSamePersonWrittenDifferentlyHashesTheSame()
    {
        Assert.Equal(MetaNormalization.Encode("PHONE", "+33612345678"), MetaNormalization.Encode("PHONE", "0033 6 12 34 56 78"));
        Assert.Equal(MetaNormalization.Encode("EMAIL", "a.b@x.org"), MetaNormalization.Encode("EMAIL", " A.B@X.ORG "));
        Assert.NotEqual(MetaNormalization.Encode("EMAIL", "a.b@x.org"), MetaNormalization.Encode("EMAIL", "ab@x.org")); // Meta does not drop dots
    }

    [Fact]
    public void AnUnknownKeyIsRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => MetaNormalization.Normalize("EMAIL_SHA256", "a@b.c"));
        Assert.Contains("EMAIL_SHA256", e.Message, StringComparison.Ordinal);
    }
}
