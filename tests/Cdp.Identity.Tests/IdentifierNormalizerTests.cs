using Cdp.Engine;

namespace Cdp.Identity.Tests;

public class IdentifierNormalizerTests
{
    [Theory]
    [InlineData("+33 6 12 34 56 78", "FR", "+33612345678")]
    [InlineData("06 12 34 56 78", "FR", "+33612345678")]
    [InlineData("06.12.34.56.78", "FR", "+33612345678")]
    [InlineData("0033612345678", "FR", "+33612345678")]
    [InlineData("0033 6 12 34 56 78", "DE", "+33612345678")]
    [InlineData("+49 151 23456789", "FR", "+4915123456789")]
    [InlineData("0151 23456789", "DE", "+4915123456789")]
    [InlineData("07911 123456", "GB", "+447911123456")]
    [InlineData("0000000000", "FR", null)]
    [InlineData("N/A", "FR", null)]
    [InlineData("", "FR", null)]
    [InlineData(null, "FR", null)]
    [InlineData("12", "FR", null)]
    public void Phones_become_e164_or_null(string? raw, string region, string? expected)
        => Assert.Equal(expected, IdentifierNormalizer.Phone(raw, region));

    [Theory]
    [InlineData("  Jane.Doe@Example.COM ", "jane.doe@example.com")]
    [InlineData("a@b.co", "a@b.co")]
    [InlineData("N/A", null)]
    [InlineData("jane@@example.com", null)]
    [InlineData("jane@example", null)]
    [InlineData("jane doe@example.com", null)]
    [InlineData("", null)]
    public void Emails_are_trimmed_lowercased_and_checked(string? raw, string? expected)
        => Assert.Equal(expected, IdentifierNormalizer.Email(raw));

    [Theory]
    [InlineData("Hélène", "helene")]
    [InlineData("  HELENE ", "helene")]
    [InlineData("Jean-Pierre", "jean pierre")]
    [InlineData("O'Brien", "o brien")]
    [InlineData("Zoë  Müller", "zoe muller")]
    [InlineData("Œuvre Straße", "oeuvre strasse")]
    [InlineData(" ", null)]
    public void Names_lose_accents_case_and_punctuation(string? raw, string? expected)
        => Assert.Equal(expected, IdentifierNormalizer.Name(raw));

    [Fact]
    public async Task The_normalisers_are_sql_functions()
    {
        using var engine = new DuckDbEngine();
        IdentifierFunctions.Register(engine);
        var row = (await engine.QueryAsync(
            "SELECT cdp_normalize_phone('06 12 34 56 78', 'FR'), cdp_normalize_email(' A@B.COM'), cdp_normalize_name('Hélène'), cdp_normalize_phone(NULL, 'FR')")).Rows[0];
        Assert.Equal(["+33612345678", "a@b.co".Replace("co", "com", StringComparison.Ordinal), "helene", null], row);
    }
}
