using Cdp.Cli.Tests.Support;

namespace Cdp.Cli.Tests;

/// <summary>
/// <c>cdp profile</c> on the profile models' fixture lake: any identifier, in the form a caller types it, resolves to
/// the person's golden profile, identifiers and open cart across devices.
/// </summary>
public sealed class ProfileCommandTests(ProfilesFixtureLake lake) : IClassFixture<ProfilesFixtureLake>
{
    private Task<CliResult> ProfileAsync(params string[] args)
        => CdpCli.RunAsync(["profile", .. args, "--project-dir", ProfilesFixtureLake.ProjectDir, "--lake", lake.Lake]);

    [Fact]
    public async Task A_national_phone_number_resolves_to_the_profile_identifiers_and_cart()
    {
        var anna = (await ProfileAsync("06 11 11 11 11", "--format", "json")).Succeeded().Json();

        Assert.Equal("phone:+33611111111", (string?)anna["identifier"]);
        Assert.Equal(1, (long)anna["person_id"]!);
        Assert.Equal("Anna", (string?)anna["profile"]!["first_name"]);
        var identifiers = anna["identifiers"]!.AsArray().Select(i => (string)i!).ToList();
        Assert.Contains("customer_number:C1", identifiers);
        Assert.Contains("loyalty_card:L1", identifiers);
        var cart = anna["cart"]!.AsArray();
        Assert.Single(cart);
        Assert.Equal(["MKP-1", "BDY-1"], cart[0]!["cart_items"]!.AsArray().Select(i => (string)i!["sku"]!).ToList());
    }

    [Fact]
    public async Task Every_identifier_of_a_person_gives_the_same_profile()
    {
        foreach (var identifier in new[] { "customer_number:C1", "ANNA@CRM.TEST", "L1", "order_id:O2" })
        {
            var result = (await ProfileAsync(identifier, "--format", "json")).Succeeded().Json();
            Assert.Equal(1, (long)result["person_id"]!);
        }
        var table = (await ProfileAsync("C2")).Succeeded().Stdout;
        Assert.Contains("customer_number:C2 is person 2", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_identifier_fails_naming_it()
    {
        var result = (await ProfileAsync("email:nobody@example.com")).Failed(1);
        Assert.Contains("no identifier email 'nobody@example.com'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_person_has_no_profile_but_is_found()
    {
        var result = (await ProfileAsync("cookie:K9", "--format", "json")).Succeeded().Json();
        Assert.Equal(5, (long)result["person_id"]!);
        Assert.Null(result["profile"]);
    }
}
