using System.Net;
using Cdp.Activation.Destinations;
using Cdp.Activation.Tests.Support;

namespace Cdp.Activation.Tests;

public class SignatureTests
{
    [Fact]
    public void StandardWebhooksTestVector()
    {
        // The example of the Standard Webhooks specification's reference tests.
        var key = StandardWebhookSignature.Key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var signature = StandardWebhookSignature.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void SignatureCoversIdTimestampAndBody()
    {
        var key = StandardWebhookSignature.Key(SyncFixture.Secret);
        var reference = StandardWebhookSignature.Sign(key, "msg_1", 1700000000, "{}");
        Assert.NotEqual(reference, StandardWebhookSignature.Sign(key, "msg_2", 1700000000, "{}"));
        Assert.NotEqual(reference, StandardWebhookSignature.Sign(key, "msg_1", 1700000001, "{}"));
        Assert.NotEqual(reference, StandardWebhookSignature.Sign(key, "msg_1", 1700000000, "{ }"));
    }

    [Fact]
    public void MissingSecretNamesTheVariableAndMalformedSecretHidesIt()
    {
        var options = new WebhookOptions("hook", "email", new Uri("http://127.0.0.1:9/"), "CDP_HOOK_SECRET", SyncFixture.FastLimits());
        var missing = Assert.Throws<InvalidOperationException>(() => new WebhookDestination(options, new HttpClient(), _ => null));
        Assert.Contains("CDP_HOOK_SECRET", missing.Message, StringComparison.Ordinal);
        var malformed = Assert.Throws<ArgumentException>(() => new WebhookDestination(options, new HttpClient(), _ => "whsec_not*base64!secret"));
        Assert.DoesNotContain("not*base64!secret", malformed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, DeliveryStatus.Accepted)]
    [InlineData(204, DeliveryStatus.Accepted)]
    [InlineData(410, DeliveryStatus.Disabled)]
    [InlineData(401, DeliveryStatus.Disabled)]
    [InlineData(429, DeliveryStatus.Transient)]
    [InlineData(502, DeliveryStatus.Transient)]
    [InlineData(503, DeliveryStatus.Transient)]
    [InlineData(504, DeliveryStatus.Transient)]
    [InlineData(408, DeliveryStatus.Transient)]
    [InlineData(400, DeliveryStatus.Rejected)]
    [InlineData(422, DeliveryStatus.Rejected)]
    public void StatusCodesMapToDeliveryStatus(int status, DeliveryStatus expected)
        => Assert.Equal(expected, WebhookDestination.Interpret((HttpStatusCode)status, null, DateTimeOffset.UtcNow, "garbage <html>").Status);

    [Fact]
    public void RetryAfterSecondsAndDatesAreRead()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var seconds = WebhookDestination.Interpret(HttpStatusCode.TooManyRequests, new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), now, "");
        Assert.Equal(TimeSpan.FromSeconds(7), seconds.RetryAfter);
        var date = WebhookDestination.Interpret(HttpStatusCode.ServiceUnavailable, new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddSeconds(30)), now, "");
        Assert.Equal(TimeSpan.FromSeconds(30), date.RetryAfter);
    }

    [Fact]
    public void PartialSuccessBodyNamesRejectedRecordsAndErrorCodeIsTheReason()
    {
        var partial = WebhookDestination.Interpret(HttpStatusCode.OK, null, DateTimeOffset.UtcNow, """{"rejected":[{"person_id":42,"reason":"invalid_email"}]}""");
        Assert.Equal("invalid_email", partial.Rejections[42]);
        var refused = WebhookDestination.Interpret(HttpStatusCode.UnprocessableEntity, null, DateTimeOffset.UtcNow, """{"error":"bad_phone"}""");
        Assert.Equal("http_422:bad_phone", refused.Reason);
    }
}
