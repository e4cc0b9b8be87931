using System.Text.Json;
using Cdp.Activation.Planning;

namespace Cdp.Activation.Destinations.Google;

/// <summary>
/// The JSON of an <c>audienceMembers:ingest</c> or <c>audienceMembers:remove</c> request:
/// <c>{destinations: [{operatingAccount: {accountType, accountId}, loginAccount?, linkedAccount?, productDestinationId}],
/// audienceMembers: [{userData: {userIdentifiers: [{emailAddress} | {phoneNumber} | {address: {givenName, familyName,
/// regionCode, postalCode}}]}}], consent?: {adUserData, adPersonalization}, encoding: "HEX", validateOnly?, termsOfService?}</c>.
/// Consent and terms go with ingests only: the remove request has no such fields.
/// </summary>
internal static class GoogleRequestBody
{
    public static byte[] Write(GoogleDataManagerOptions options, SyncOperation operation, IReadOnlyList<IReadOnlyList<GoogleIdentifier>> members)
    {
        var ingest = operation != SyncOperation.Remove;
        using var stream = new MemoryStream(members.Count * 320);
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("destinations");
            json.WriteStartObject();
            Account(json, "operatingAccount", options.OperatingAccountType, options.OperatingAccountId);
            if (options.LoginAccountId is { } login) Account(json, "loginAccount", options.LoginAccountType, login);
            if (options.LinkedAccountId is { } linked) Account(json, "linkedAccount", options.LinkedAccountType, linked);
            json.WriteString("productDestinationId", options.ProductDestinationId);
            json.WriteEndObject();
            json.WriteEndArray();

            json.WriteStartArray("audienceMembers");
            foreach (var identifiers in members) Member(json, identifiers);
            json.WriteEndArray();

            if (ingest)
            {
                json.WriteStartObject("consent");
                json.WriteString("adUserData", "CONSENT_GRANTED");
                json.WriteString("adPersonalization", "CONSENT_GRANTED");
                json.WriteEndObject();
                if (options.CustomerMatchTermsAccepted)
                {
                    json.WriteStartObject("termsOfService");
                    json.WriteString("customerMatchTermsOfServiceStatus", "ACCEPTED");
                    json.WriteEndObject();
                }
            }
            json.WriteString("encoding", "HEX");
            if (options.ValidateOnly) json.WriteBoolean("validateOnly", true);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void Account(Utf8JsonWriter json, string property, string type, string id)
    {
        json.WriteStartObject(property);
        json.WriteString("accountType", type);
        json.WriteString("accountId", id);
        json.WriteEndObject();
    }

    private static void Member(Utf8JsonWriter json, IReadOnlyList<GoogleIdentifier> identifiers)
    {
        json.WriteStartObject();
        json.WriteStartObject("userData");
        json.WriteStartArray("userIdentifiers");
        foreach (var identifier in identifiers)
        {
            json.WriteStartObject();
            switch (identifier)
            {
                case HashedIdentifier hashed:
                    json.WriteString(hashed.Field, hashed.Hash);
                    break;
                case AddressIdentifier address:
                    json.WriteStartObject("address");
                    json.WriteString("givenName", address.GivenNameHash);
                    json.WriteString("familyName", address.FamilyNameHash);
                    json.WriteString("regionCode", address.RegionCode);
                    json.WriteString("postalCode", address.PostalCode);
                    json.WriteEndObject();
                    break;
                default:
                    throw new InvalidOperationException($"Bug: unknown Google identifier {identifier.GetType().Name}.");
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
