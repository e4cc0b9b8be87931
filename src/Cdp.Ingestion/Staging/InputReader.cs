using System.IO.Compression;

namespace Cdp.Ingestion.Staging;

/// <summary>
/// Reads an input file in large chunks into a growable buffer, for scanners that cut it into records: the bytes of
/// the record being scanned are kept when more input is read. Gzip files (<c>.gz</c>) are decompressed on the fly.
/// </summary>
internal sealed class InputReader : IDisposable
{
    /// <summary>A record longer than this is refused (it is almost always an unterminated quote).</summary>
    public const int MaxRecordBytes = 64 << 20;

    private readonly Stream _file;
    private readonly Stream _stream;
    private readonly Action<long>? _onBytes;

    public InputReader(string path, bool gzip, Action<long>? onBytes)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        _stream = gzip ? new GZipStream(_file, CompressionMode.Decompress) : _file;
        _onBytes = onBytes;
    }

    /// <summary>The buffer's size until a record needs more.</summary>
    public const int InitialBufferBytes = 1 << 20;

    public byte[] Buffer { get; private set; } = new byte[InitialBufferBytes];

    /// <summary>Bytes of <see cref="Buffer"/> holding data.</summary>
    public int Length { get; private set; }

    public bool AtEnd { get; private set; }

    /// <summary>
    /// Discards the bytes before <paramref name="keepFrom"/> (moving the rest to the front, growing the buffer when it
    /// is full) and reads more. Returns how far the kept bytes moved, to subtract from positions into the buffer.
    /// </summary>
    public int Refill(int keepFrom, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var kept = Length - keepFrom;
        if (keepFrom > 0) System.Buffer.BlockCopy(Buffer, keepFrom, Buffer, 0, kept);
        else if (kept == Buffer.Length)
        {
            if (Buffer.Length >= MaxRecordBytes)
                throw new IngestException($"a record is longer than {MaxRecordBytes >> 20} MB (is a quote left open?)");
            var bigger = new byte[Buffer.Length * 2];
            System.Buffer.BlockCopy(Buffer, 0, bigger, 0, kept);
            Buffer = bigger;
        }
        Length = kept;
        while (Length < Buffer.Length)
        {
            var n = _stream.Read(Buffer, Length, Buffer.Length - Length);
            if (n == 0)
            {
                AtEnd = true;
                break;
            }
            Length += n;
            _onBytes?.Invoke(n);
            if (Length >= Buffer.Length / 2) break;
        }
        return keepFrom;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
    }
}
