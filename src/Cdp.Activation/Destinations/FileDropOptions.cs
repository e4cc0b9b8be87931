using Cdp.Storage;

namespace Cdp.Activation.Destinations;

/// <summary>The encoding of a file drop's data files.</summary>
public enum FileDropFormat
{
    /// <summary>RFC 4180, UTF-8, every value quoted and NULL an empty unquoted field.</summary>
    Csv,

    /// <summary>Apache Parquet (snappy): operation and the export fields as strings, person_id as INT64.</summary>
    Parquet,
}

/// <summary>
/// Where and how a file drop writes: into <paramref name="Store"/> (a local folder, an Azure Blob container or any other
/// <see cref="IObjectStore"/>), one folder per audience under <see cref="Prefix"/>.
/// </summary>
public sealed record FileDropOptions(string Name, string Channel, IObjectStore Store, DestinationLimits Limits)
{
    /// <summary>The data files' format; CSV unless set.</summary>
    public FileDropFormat Format { get; init; } = FileDropFormat.Csv;

    /// <summary>A '/'-separated key prefix inside the store under which the audience folders lie; "" for the store's root.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>A drop into a local (or mounted) folder.</summary>
    public static FileDropOptions Local(string name, string channel, string folder, DestinationLimits limits)
        => new(name, channel, new LocalObjectStore(folder), limits);
}
