using Cdp.Activation.Destinations.Google;

namespace Cdp.Activation.Tests;

/// <summary>
/// Test vectors for Google's Customer Match formatting (Data Manager API, "Format user data"). Each normalised value is
/// a literal, and the hashes are literals computed outside the code with <c>printf %s '&lt;value&gt;' | sha256sum</c>.
/// </summary>
public class GoogleNormalizationTests
{
    [Theory]
    // gmail.com and googlemail.com: dots and +suffix removed before the @ (the documentation's own example).
    [InlineData("  Cloudy.SanFrancisco+Shopping@Gmail.com ", "cloudysanfrancisco@gmail.com")]
    [InlineData("Jane.Doe+News@GoogleMail.COM", "janedoe@googlemail.com")]
    [InlineData("a.b.c@gmail.com", "abc@gmail.com")]
    // Other domains keep dots and plus (again the documentation's example), even a gmail look-alike.
    [InlineData("user.name+NYC@Example.com", "user.name+nyc@example.com")]
    [InlineData("first.last+x@gmail.com.au", "first.last+x@gmail.com.au")]
    // Whitespace anywhere is removed; case folded.
    [InlineData("J o h n@Example.ORG\t", "john@example.org")]
    // Not an email: left out rather than hashed.
    [InlineData("no-at-sign", null)]
    [InlineData("a@b@c.com", null)]
    [InlineData("@gmail.com", null)]
    [InlineData("+only.a.tag@gmail.com", null)]
    [InlineData("person@", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void EmailIsNormalisedAsGoogleDocuments(string? raw, string? expected) => Assert.Equal(expected, GoogleNormalization.Email(raw));

    [Theory]
    [InlineData("+44 7700 900123", "+447700900123")]
    [InlineData("0044 7700 900123", "+447700900123")]
    [InlineData("+447700900123", "+447700900123")]
    [InlineData(" +1 (800) 555-0100 ", "+18005550100")]
    [InlineData("+1.800.555.0100", "+18005550100")]
    [InlineData("+44 (0)20 7946 0958", "+442079460958")]
    // No country code to trust, too short, too long, a 0 country code, letters: left out.
    [InlineData("07700 900123", null)]
    [InlineData("447700900123", null)]
    [InlineData("+1234567", null)]
    [InlineData("+1234567890123456", null)]
    [InlineData("+0447700900123", null)]
    [InlineData("+44 7700 9001x3", null)]
    [InlineData("", null)]
    public void PhoneIsE164WithThePlus(string? raw, string? expected) => Assert.Equal(expected, GoogleNormalization.Phone(raw));

    [Theory]
    [InlineData("  Zoë  ", "zoë")] // accents kept: the documentation does not ask to strip them
    [InlineData("Mrs. Jane", "jane")] // "Don't include prefixes such as Mrs."
    [InlineData("Dr Jane", "jane")]
    [InlineData("Jean-Luc", "jeanluc")] // no punctuation
    [InlineData("Mary   Ann", "mary ann")]
    [InlineData("Mrs", "mrs")] // a lone word is the name, not a title
    [InlineData("!!!", null)]
    [InlineData(null, null)]
    public void GivenNameIsLowercaseWithoutTitleOrPunctuation(string? raw, string? expected) => Assert.Equal(expected, GoogleNormalization.GivenName(raw));

    [Theory]
    [InlineData("O'Brien Jr.", "obrien")] // "Don't include suffixes such as Jr."
    [InlineData("Smith, PhD", "smith")]
    [InlineData("King III", "king")]
    [InlineData("van der Berg", "van der berg")]
    [InlineData("Jr", "jr")]
    [InlineData(" ", null)]
    public void FamilyNameIsLowercaseWithoutSuffixOrPunctuation(string? raw, string? expected) => Assert.Equal(expected, GoogleNormalization.FamilyName(raw));

    [Theory]
    [InlineData(" gb ", "GB")]
    [InlineData("US", "US")]
    [InlineData("GBR", null)]
    [InlineData("1A", null)]
    [InlineData(null, null)]
    public void RegionCodeIsTwoLettersUnhashed(string? raw, string? expected) => Assert.Equal(expected, GoogleNormalization.RegionCode(raw));

    [Theory]
    [InlineData("  SW1A 1AA ", "SW1A 1AA")]
    [InlineData("94043-1351", "94043-1351")]
    [InlineData("   ", null)]
    public void PostalCodeIsTrimmedUnhashed(string? raw, string? expected) => Assert.Equal(expected, GoogleNormalization.PostalCode(raw));

    [Theory]
    [InlineData("cloudysanfrancisco@gmail.com", "223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4")]
    [InlineData("user.name+nyc@example.com", "f109a2a632fbcea5fc82049f50beed3d8621bf9034399f437fb622222acccdac")]
    [InlineData("janedoe@googlemail.com", "338abf9ef1c8793cadc7bcf51ed595338eb727ed9e06ce3d91d566d60b975937")]
    [InlineData("john@example.org", "b5fb79bc07fa24049f99f456f8f530af1cb9a13db14c4b02c83be7c1f0ceb968")]
    [InlineData("+447700900123", "a8acc3a90a7b4e4dc65e93db9240ed26523050ef754d63b75b5161de76781436")]
    [InlineData("+18005550100", "fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30")]
    [InlineData("+442079460958", "f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d")]
    [InlineData("zoë", "2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450")] // UTF-8 bytes 7a 6f c3 ab
    [InlineData("jane", "81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2")]
    [InlineData("obrien", "b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba")]
    [InlineData("mary ann", "343b97011010c3549fe7fcd6c226ed9431ea37b0b77ed78f6300a0098925faf1")]
    public void HashIsLowercaseHexSha256OfTheUtf8Text(string normalised, string expected) => Assert.Equal(expected, GoogleNormalization.Sha256Hex(normalised));

    [Fact]
    public void RawValuesHashToTheVectorsEndToEnd()
    {
        Assert.Equal("223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4", GoogleNormalization.Sha256Hex(GoogleNormalization.Email(" Cloudy.SanFrancisco+Shopping@GMAIL.com")!));
        Assert.Equal("338abf9ef1c8793cadc7bcf51ed595338eb727ed9e06ce3d91d566d60b975937", GoogleNormalization.Sha256Hex(GoogleNormalization.Email("jane.doe+x@googlemail.com")!));
        Assert.Equal("a8acc3a90a7b4e4dc65e93db9240ed26523050ef754d63b75b5161de76781436", GoogleNormalization.Sha256Hex(GoogleNormalization.Phone("0044 7700 900 123")!));
        Assert.Equal("b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba", GoogleNormalization.Sha256Hex(GoogleNormalization.FamilyName("  O'BRIEN, Jr. ")!));
    }
}
