using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cdp.Activation.Sandbox;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

/// <summary>The Data Manager stand-in refuses what the contract forbids, and a refused request changes nothing.</summary>
public class GoogleContractServerTests
{
    private static readonly string Hash = GoogleFixture.Sha256("person@example.com");
    private static readonly string Destination = $$"""{"operatingAccount":{"accountType":"GOOGLE_ADS","accountId":"{{GoogleFixture.Account}}"},"productDestinationId":"{{GoogleFixture.UserList}}"}""";
    private static readonly string Granted = """{"adUserData":"CONSENT_GRANTED","adPersonalization":"CONSENT_GRANTED"}""";

    public static TheoryData<string, string, string, int, string> Refusals() => new()
    {
        { "no consent", GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash)), consent: null), 400, "INVALID_ARGUMENT" },
        { "personalisation denied", GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash)), consent: """{"adUserData":"CONSENT_GRANTED","adPersonalization":"CONSENT_DENIED"}"""), 400, "INVALID_ARGUMENT" },
        { "member denial overrides the request", GoogleDataManagerContractServer.IngestPath, Ingest($$$"""{"consent":{"adUserData":"CONSENT_DENIED"},"userData":{"userIdentifiers":[{{{Email(Hash)}}}]}}"""), 400, "INVALID_ARGUMENT" },
        { "consent on a remove", GoogleDataManagerContractServer.RemovePath, Body(Member(Email(Hash)), consent: Granted), 400, "INVALID_ARGUMENT" },
        { "uppercase hex", GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash.ToUpperInvariant()))), 400, "INVALID_SHA256_FORMAT" },
        { "unhashed email", GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email("person@example.com"))), 400, "INVALID_SHA256_FORMAT" },
        { "hashed region", GoogleDataManagerContractServer.IngestPath, Ingest(Member($$$"""{"address":{"givenName":"{{{Hash}}}","familyName":"{{{Hash}}}","regionCode":"{{{Hash}}}","postalCode":"N1"}}""")), 400, "INVALID_FORMAT" },
        { "hashed postal code", GoogleDataManagerContractServer.IngestPath, Ingest(Member($$$"""{"address":{"givenName":"{{{Hash}}}","familyName":"{{{Hash}}}","regionCode":"gb","postalCode":"{{{Hash}}}"}}""")), 400, "INVALID_POSTAL_CODE" },
        { "two identifiers in one", GoogleDataManagerContractServer.IngestPath, Ingest(Member($$"""{"emailAddress":"{{Hash}}","phoneNumber":"{{Hash}}"}""")), 400, "INVALID_ARGUMENT" },
        { "eleven identifiers", GoogleDataManagerContractServer.IngestPath, Ingest(Member(string.Join(",", Enumerable.Repeat(Email(Hash), 11)))), 400, "TOO_MANY_USER_IDENTIFIERS" },
        { "10,001 members", GoogleDataManagerContractServer.IngestPath, Ingest(string.Join(",", Enumerable.Repeat(Member(Email(Hash)), 10_001))), 400, "TOO_MANY_AUDIENCE_MEMBERS" },
        { "eleven destinations", GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash)), destinations: string.Join(",", Enumerable.Repeat(Destination, 11))), 400, "TOO_MANY_DESTINATIONS" },
        { "no encoding", GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash)), encoding: null), 400, "REQUIRED_FIELD_MISSING" },
        { "unknown list", GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash)), destinations: Destination.Replace(GoogleFixture.UserList, "42", StringComparison.Ordinal)), 400, "INVALID_USER_LIST_ID" },
        { "other account", GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash)), destinations: Destination.Replace(GoogleFixture.Account, "42", StringComparison.Ordinal)), 403, "PERMISSION_DENIED" },
        { "bad account type", GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash)), destinations: Destination.Replace("GOOGLE_ADS", "ADS", StringComparison.Ordinal)), 400, "INVALID_ENUM_VALUE" },
        { "no members", GoogleDataManagerContractServer.IngestPath, Ingest(""), 400, "REQUIRED_FIELD_MISSING" },
        { "not json", GoogleDataManagerContractServer.IngestPath, "{\"destinations\":", 400, "INVALID_ARGUMENT" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RefusesWhatTheContractForbidsAndAppliesNothing(string what, string path, string request, int status, string reason)
    {
        await using var server = GoogleFixture.Server(rateLimit: 100);

        var (code, body) = await PostAsync(server, path, request);

        Assert.True(code == status, $"{what}: {code} {body}");
        using var doc = JsonDocument.Parse(body);
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.Equal(reason, error.GetProperty("details")[0].GetProperty("reason").GetString());
        Assert.Empty(server.UserLists[GoogleFixture.UserList]);
        Assert.Equal(0, server.IngestRequests + server.RemoveRequests);
    }

    [Fact]
    public async Task AcceptsAValidIngestAndRemoveAndAnswersWithARequestId()
    {
        await using var server = GoogleFixture.Server();
        var (code, body) = await PostAsync(server, GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash))));
        Assert.Equal(200, code);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(body).RootElement.GetProperty("requestId").GetString()));
        Assert.Equal(["email:" + Hash], server.UserLists[GoogleFixture.UserList].Keys);

        (code, _) = await PostAsync(server, GoogleDataManagerContractServer.RemovePath, Body(Member(Email(Hash)), consent: null));
        Assert.Equal(200, code);
        Assert.Empty(server.UserLists[GoogleFixture.UserList]);
        Assert.Equal((1, 1), (server.IngestRequests, server.RemoveRequests));
    }

    [Fact]
    public async Task WrongPathOrTokenIsRefusedBeforeAnything()
    {
        await using var server = GoogleFixture.Server();
        Assert.Equal(404, (await PostAsync(server, "/v1/audiencemembers:ingest", Ingest(Member(Email(Hash))))).Code);
        Assert.Equal(401, (await PostAsync(server, GoogleDataManagerContractServer.IngestPath, Ingest(Member(Email(Hash))), token: "expired")).Code);
        Assert.Equal(1, server.Unauthenticated);
        Assert.Empty(server.EverReceivedEmailHashes);
    }

    [Fact]
    public async Task ValidateOnlyChecksButAppliesNothing()
    {
        await using var server = GoogleFixture.Server();
        var request = Ingest(Member(Email(Hash)))[..^1] + ",\"validateOnly\":true}";
        Assert.Equal(200, (await PostAsync(server, GoogleDataManagerContractServer.IngestPath, request)).Code);
        Assert.Equal(1, server.ValidateOnlyRequests);
        Assert.Empty(server.UserLists[GoogleFixture.UserList]);
    }

    private static string Email(string hash) => $$"""{"emailAddress":"{{hash}}"}""";

    private static string Member(string identifiers) => $$$"""{"userData":{"userIdentifiers":[{{{identifiers}}}]}}""";

    private static string Ingest(string members, string? consent = "default", string? encoding = "HEX", string? destinations = null)
        => Body(members, consent == "default" ? Granted : consent, encoding, destinations);

    private static string Body(string members, string? consent, string? encoding = "HEX", string? destinations = null)
    {
        var parts = new List<string> { $"\"destinations\":[{destinations ?? Destination}]", $"\"audienceMembers\":[{members}]" };
        if (consent is not null) parts.Add($"\"consent\":{consent}");
        if (encoding is not null) parts.Add($"\"encoding\":\"{encoding}\"");
        return "{" + string.Join(",", parts) + "}";
    }

    private static async Task<(int Code, string Body)> PostAsync(GoogleDataManagerContractServer server, string path, string body, string token = GoogleFixture.Token)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUri, path.TrimStart('/'))) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
