using System.Net.Http.Headers;
using System.Text.Json;
using Cdp.Activation.Destinations;
using Cdp.Activation.Destinations.Meta;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Tests;

/// <summary>How Meta's answers become outcomes, and what an upload looks like on the wire.</summary>
public class MetaAnswerTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static string ErrorBody(int code, int? subcode = null)
        => subcode is { } s
            ? $$$"""{"error":{"message":"m","type":"OAuthException","code":{{{code}}},"error_subcode":{{{s}}},"fbtrace_id":"x"}}"""
            : $$$"""{"error":{"message":"m","type":"OAuthException","code":{{{code}}},"fbtrace_id":"x"}}""";

    [Fact]
    public void AnAcceptedUploadKeepsTheCountsAndNeverTheSamples()
    {
        var answer = MetaAnswer.Upload(200, """
            {"audience_id":"1","session_id":"9","num_received":3,"num_invalid_entries":1,"invalid_entry_samples":{"someone@example.com":"bad"}}
            """, null, null, Now);
        Assert.Equal(DeliveryStatus.Accepted, answer.Response.Status);
        Assert.Equal(3, answer.Received);
        Assert.Equal(1, answer.Invalid);
        Assert.Null(answer.Response.Reason);
        Assert.Empty(answer.Response.Rejections);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html>oops</html>")]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"success":true}""")]
    [InlineData("""{"num_received":"many"}""")]
    [InlineData("[1,2,3]")]
    public void A2xxThatIsNotTheExpectedJsonIsTransientNotAccepted(string body)
    {
        var answer = MetaAnswer.Upload(200, body, null, null, Now);
        Assert.Equal(DeliveryStatus.Transient, answer.Response.Status);
        Assert.Equal("meta_unreadable_response", answer.Response.Reason);
    }

    [Theory]
    [InlineData(400, 17, null, DeliveryStatus.Transient, "meta_17")]
    [InlineData(400, 613, null, DeliveryStatus.Transient, "meta_613")]
    [InlineData(400, 80004, null, DeliveryStatus.Transient, "meta_80004")]
    [InlineData(400, 4, null, DeliveryStatus.Transient, "meta_4")]
    [InlineData(400, 32, null, DeliveryStatus.Transient, "meta_32")]
    [InlineData(500, 2, null, DeliveryStatus.Transient, "meta_2")]
    [InlineData(400, 100, 1713230, DeliveryStatus.Disabled, "meta_1713230")]
    [InlineData(400, 2650, 1713230, DeliveryStatus.Disabled, "meta_1713230")]
    [InlineData(400, 190, null, DeliveryStatus.Disabled, "meta_190")]
    [InlineData(401, 190, 463, DeliveryStatus.Disabled, "meta_190")]
    [InlineData(403, 200, null, DeliveryStatus.Disabled, "meta_200")]
    [InlineData(400, 100, 33, DeliveryStatus.Disabled, "meta_100_33")]
    [InlineData(400, 100, null, DeliveryStatus.Rejected, "meta_100")]
    [InlineData(400, 2654, 1870034, DeliveryStatus.Rejected, "meta_2654_1870034")]
    public void ErrorCodesMapToOutcomes(int status, int code, int? subcode, DeliveryStatus expected, string reason)
    {
        var answer = MetaAnswer.Upload(status, ErrorBody(code, subcode), null, null, Now);
        Assert.Equal(expected, answer.Response.Status);
        Assert.Equal(reason, answer.Response.Reason);
    }

    [Theory]
    [InlineData(429, "Too Many Requests", "http_429")]
    [InlineData(502, "<html>Bad gateway</html>", "http_502")]
    [InlineData(503, "", "http_503")]
    [InlineData(404, "not found", "http_404")]
    public void AnswersWithoutMetasErrorObjectUseTheHttpStatus(int status, string body, string reason)
    {
        var answer = MetaAnswer.Upload(status, body, null, null, Now);
        Assert.Equal(reason, answer.Response.Reason);
        Assert.Equal(status == 404 ? DeliveryStatus.Rejected : DeliveryStatus.Transient, answer.Response.Status);
    }

    [Fact]
    public void ThrottlingWaitsForTheUsageHeadersRegainTimeOrRetryAfterWhicheverIsLonger()
    {
        const string usage = """
            {"1234":[{"type":"custom_audience","call_count":100,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":5},
                     {"type":"ads_management","call_count":50,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0}]}
            """;
        var regain = MetaAnswer.Upload(400, ErrorBody(80004), null, usage, Now).Response;
        Assert.Equal(DeliveryStatus.Transient, regain.Status);
        Assert.Equal(TimeSpan.FromMinutes(5), regain.RetryAfter);

        var after = MetaAnswer.Upload(429, ErrorBody(17), new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), null, Now).Response;
        Assert.Equal(TimeSpan.FromSeconds(7), after.RetryAfter);
        var longer = MetaAnswer.Upload(429, ErrorBody(17), new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), usage, Now).Response;
        Assert.Equal(TimeSpan.FromMinutes(5), longer.RetryAfter);
        var dated = MetaAnswer.Upload(503, "", new RetryConditionHeaderValue(Now.AddSeconds(30)), null, Now).Response;
        Assert.Equal(TimeSpan.FromSeconds(30), dated.RetryAfter);

        // Nothing to wait for: the executor's exponential backoff applies.
        Assert.Null(MetaAnswer.Upload(400, ErrorBody(17), null, """{"1234":[{"estimated_time_to_regain_access":0}]}""", Now).Response.RetryAfter);
        Assert.Null(MetaAnswer.Upload(400, ErrorBody(17), null, "not json", Now).Response.RetryAfter);
    }

    [Fact]
    public void AnUploadListsTheMappedKeysInMetasOrderWithHashedRowsAndOneSessionPerBatch()
    {
        var batch = new DeliveryBatch("run", "aud", "msg_abc", SyncOperation.Add, ["phone", "email", "loyalty_tier", "first_name"],
        [
            new SyncRecord(1, SyncOperation.Add, "f1", ["+33612345678", " Test@Example.com ", "gold", "Zoë"]),
            new SyncRecord(2, SyncOperation.Add, "f2", [null, "b@example.com", "silver", null]),
            new SyncRecord(3, SyncOperation.Add, "f3", [null, "  ", "gold", "Orphan"]),
        ], Now);

        var upload = MetaUpload.Build("meta", batch, MetaOptions.DefaultFieldMap);

        Assert.Equal(["EMAIL", "PHONE", "FN"], upload.Schema);
        Assert.Equal(2, upload.Rows.Count);
        Assert.Equal(["973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b",
            "8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661",
            "2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450"], upload.Rows[0]);
        Assert.Equal("", upload.Rows[1][1]);
        Assert.Equal("", upload.Rows[1][2]);
        Assert.Equal("no_identifier", upload.Rejections[3]);

        using var body = JsonDocument.Parse(upload.Body());
        var session = body.RootElement.GetProperty("session");
        Assert.Equal(upload.SessionId, session.GetProperty("session_id").GetInt64());
        Assert.Equal(1, session.GetProperty("batch_seq").GetInt32());
        Assert.True(session.GetProperty("last_batch_flag").GetBoolean());
        Assert.Equal(2, session.GetProperty("estimated_num_total").GetInt32());
        Assert.Equal(3, body.RootElement.GetProperty("payload").GetProperty("schema").GetArrayLength());
        Assert.Equal(2, body.RootElement.GetProperty("payload").GetProperty("data").GetArrayLength());
    }

    [Fact]
    public void TheSessionIdIsAPositiveInt64DerivedFromTheBatchId()
    {
        var ids = new[] { "msg_abc", "msg_abc.1", "msg_abc.2", "msg_abd", "", "msg_" + new string('x', 500) }.Select(MetaUpload.SessionIdOf).ToList();
        Assert.All(ids, id => Assert.True(id > 0));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(MetaUpload.SessionIdOf("msg_abc"), MetaUpload.SessionIdOf("msg_abc")); // a resent batch reuses its session
    }

    [Fact]
    public void ABatchWithNoMappedColumnNamesTheDestinationAndTheColumns()
    {
        var batch = new DeliveryBatch("run", "aud", "b", SyncOperation.Add, ["loyalty_tier"], [new SyncRecord(1, SyncOperation.Add, "f", ["gold"])], Now);
        var e = Assert.Throws<InvalidOperationException>(() => MetaUpload.Build("meta_fr", batch, MetaOptions.DefaultFieldMap));
        Assert.Contains("'meta_fr'", e.Message, StringComparison.Ordinal);
        Assert.Contains("loyalty_tier", e.Message, StringComparison.Ordinal);
    }
}
