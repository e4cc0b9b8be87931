using System.Net;
using System.Net.Http.Headers;
using Cdp.Activation.Destinations;
using Cdp.Activation.Destinations.Google;
using Cdp.Activation.Planning;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

/// <summary>The Google destination on its own: configuration errors, answers, and the members it builds.</summary>
public class GoogleDestinationTests
{
    [Fact]
    public async Task ABatchSizeAboveTenThousandIsRefusedAtConstruction()
    {
        await using var server = GoogleFixture.Server();
        var e = Assert.Throws<ArgumentException>(() => GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 10_001)));
        Assert.Contains("'google_ads'", e.Message, StringComparison.Ordinal);
        Assert.Contains("10,000", e.Message, StringComparison.Ordinal);
        Assert.NotNull(GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 10_000)));
    }

    [Fact]
    public async Task TheDefaultFieldMapReadsTheConventionalColumnsOnTheAdsChannel()
    {
        await using var server = GoogleFixture.Server();
        var google = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 100));
        Assert.Equal(["email", "phone", "first_name", "last_name", "country", "postcode"], google.ExportColumns);
        Assert.Equal("ads", google.Channel);
        Assert.Equal("contactable_ads", GoogleFixture.Request(google).ConsentColumn);
    }

    [Fact]
    public async Task AMissingTokenNamesTheDestinationAndTheVariable()
    {
        await using var server = GoogleFixture.Server();
        var e = Assert.Throws<InvalidOperationException>(() => GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 100), token: ""));
        Assert.Contains("'google_ads'", e.Message, StringComparison.Ordinal);
        Assert.Contains(GoogleFixture.TokenVariable, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportColumnsWithoutAnyIdentifierAreAnErrorNamingTheColumns()
    {
        await using var server = GoogleFixture.Server();
        var google = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 100));
        var batch = Batch(SyncOperation.Add, ["loyalty_tier"], [["gold"]]);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => google.SendAsync(batch, CancellationToken.None));
        Assert.Contains("loyalty_tier", e.Message, StringComparison.Ordinal);
        Assert.Contains("email", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Theory]
    [InlineData(200, """{"requestId":"abc"}""", DeliveryStatus.Accepted, null)]
    [InlineData(200, "<html>proxy error</html>", DeliveryStatus.Transient, "google_unreadable_response")]
    [InlineData(200, "", DeliveryStatus.Transient, "google_unreadable_response")]
    [InlineData(429, """{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}""", DeliveryStatus.Transient, "google_429")]
    [InlineData(500, "oops", DeliveryStatus.Transient, "google_500")]
    [InlineData(503, "", DeliveryStatus.Transient, "google_503")]
    [InlineData(401, """{"error":{"code":401,"status":"UNAUTHENTICATED"}}""", DeliveryStatus.Disabled, "google_401")]
    [InlineData(403, "", DeliveryStatus.Disabled, "google_403")]
    [InlineData(404, "", DeliveryStatus.Disabled, "google_404")]
    // The ErrorInfo reason, unless it only repeats the status; then a field violation's; then the status.
    [InlineData(400, """{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_SHA256_FORMAT"}]}}""",
        DeliveryStatus.Rejected, "google_400_INVALID_SHA256_FORMAT")]
    [InlineData(400, """{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[{"reason":"INVALID_ARGUMENT"},{"fieldViolations":[{"field":"x","reason":"INVALID_POSTAL_CODE"}]}]}}""",
        DeliveryStatus.Rejected, "google_400_INVALID_POSTAL_CODE")]
    [InlineData(400, """{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"bad person@example.com"}}""", DeliveryStatus.Rejected, "google_400_INVALID_ARGUMENT")]
    [InlineData(400, """{"error":{"code":400,"details":[{"reason":"leaks person@example.com"}]}}""", DeliveryStatus.Rejected, "google_400")]
    [InlineData(400, "not json", DeliveryStatus.Rejected, "google_400")]
    // Reasons about the request or account fail every member alike: splitting cannot help.
    [InlineData(400, """{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[{"reason":"INVALID_USER_LIST_ID"}]}}""", DeliveryStatus.Disabled, "google_400_INVALID_USER_LIST_ID")]
    [InlineData(400, """{"error":{"code":400,"status":"INVALID_ARGUMENT","details":[{"reason":"TERMS_AND_CONDITIONS_NOT_SIGNED"}]}}""", DeliveryStatus.Disabled, "google_400_TERMS_AND_CONDITIONS_NOT_SIGNED")]
    public void AnswersBecomeDeliveryResponses(int status, string body, DeliveryStatus expected, string? reason)
    {
        var response = GoogleDataManagerDestination.Interpret((HttpStatusCode)status, null, DateTimeOffset.UtcNow, body);
        Assert.Equal(expected, response.Status);
        Assert.Equal(reason, response.Reason);
    }

    [Fact]
    public void RetryAfterIsHonoured()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(TimeSpan.FromSeconds(7), GoogleDataManagerDestination.Interpret(HttpStatusCode.TooManyRequests, new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), now, "").RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), GoogleDataManagerDestination.Interpret(HttpStatusCode.ServiceUnavailable, new RetryConditionHeaderValue(now.AddSeconds(30)), now, "").RetryAfter);
    }

    [Fact]
    public async Task AMemberSendsAtMostTenIdentifiersInColumnOrderEachOnce()
    {
        await using var server = GoogleFixture.Server();
        string[] emails = [.. Enumerable.Range(1, 12).Select(i => $"e{i}")];
        var google = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 100),
            configure: o => o with { FieldMap = GoogleFieldMap.Default with { Emails = emails } });
        // e2 repeats e1 once normalised (gmail dots and case), so it is sent once and e12 would be the eleventh.
        string?[] values = ["a.b@gmail.com", "AB@GMAIL.COM", .. Enumerable.Range(3, 10).Select(i => $"u{i}@example.com"), "+447700900123"];
        var batch = Batch(SyncOperation.Add, [.. emails, "phone"], [values]);

        var response = await google.SendAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Accepted, response.Status);
        var held = Assert.Single(server.UserLists[GoogleFixture.UserList]).Value;
        string[] expected = ["email:" + GoogleFixture.Sha256("ab@gmail.com"), .. Enumerable.Range(3, 9).Select(i => "email:" + GoogleFixture.Sha256($"u{i}@example.com"))];
        Assert.Equal(expected, held);
    }

    [Fact]
    public async Task MembersWithoutAnIdentifierAreRefusedHereAndNotSent()
    {
        await using var server = GoogleFixture.Server();
        var google = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 100));
        var empty = Batch(SyncOperation.Add, GoogleFixture.ExportColumns, [["not an email", "07700 900123", "Ann", null, "GB", "N1 9GU"], [null, null, null, null, null, null]]);

        var response = await google.SendAsync(empty, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Accepted, response.Status);
        Assert.Equal(["no_identifier", "no_identifier"], response.Rejections.Values);
        Assert.Equal(0, server.Requests);

        var mixed = Batch(SyncOperation.Add, GoogleFixture.ExportColumns, [[null, null, null, null, null, null], ["x@example.com", null, null, null, null, null]]);
        var second = await google.SendAsync(mixed, CancellationToken.None);
        Assert.Equal("no_identifier", Assert.Single(second.Rejections).Value);
        Assert.Equal(1, server.IngestRequests);
        Assert.Equal(["email:" + GoogleFixture.Sha256("x@example.com")], server.UserLists[GoogleFixture.UserList].Keys);
    }

    [Fact]
    public async Task AnAddressNeedsAllFourPartsAndSendsRegionAndPostalCodeUnhashed()
    {
        await using var server = GoogleFixture.Server();
        var google = GoogleFixture.Destination(server, GoogleFixture.Limits(batch: 100));
        var batch = Batch(SyncOperation.Add, GoogleFixture.ExportColumns,
            [[null, null, "Mrs. Zoë", "O'Brien Jr.", " ie ", " D02 X285 "], [null, null, "Ann", "Lee", null, "N1 9GU"]]);

        var response = await google.SendAsync(batch, CancellationToken.None);

        Assert.Equal("no_identifier", Assert.Single(response.Rejections).Value); // the second lacks a region
        var held = Assert.Single(server.UserLists[GoogleFixture.UserList]);
        Assert.Equal("address:2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450|b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba|IE|D02 X285", held.Key);
    }

    private static DeliveryBatch Batch(SyncOperation operation, IReadOnlyList<string> columns, IReadOnlyList<string?[]> rows)
        => new("run", "aud", "batch-1", operation, columns,
            [.. rows.Select((fields, i) => new SyncRecord(i + 1, operation, "fp", fields))], DateTimeOffset.UtcNow);
}
