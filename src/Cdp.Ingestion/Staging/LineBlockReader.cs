using System.Buffers;
using System.IO.Compression;

namespace Cdp.Ingestion.Staging;

/// <summary>
/// Whole lines of an input, <c>Buffer[Start..End)</c>, the first being line <paramref name="FirstLine"/> (1-based).
/// Every line but possibly the input's last ends with <c>'\n'</c>. The buffer is rented: <see cref="Return"/> it.
/// </summary>
internal sealed record LineBlock(byte[] Buffer, int Start, int End, long FirstLine, int LineBreaks)
{
    public ReadOnlySpan<byte> Bytes => Buffer.AsSpan(Start, End - Start);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}

/// <summary>
/// Cuts an input (gzip decompressed on the fly) into blocks of whole lines, so lines can be checked on several
/// threads and written back in order. A UTF-8 byte order mark at the start is skipped. Reading is sequential; a line
/// longer than a block grows the block up to <see cref="InputReader.MaxRecordBytes"/>.
/// </summary>
internal sealed class LineBlockReader : IDisposable
{
    public const int BlockBytes = 4 << 20;

    private readonly Stream _file;
    private readonly Stream _stream;
    private readonly Action<long>? _onBytes;
    private byte[] _carry = new byte[1 << 16];
    private int _carryLength;
    private long _nextLine = 1;
    private bool _atEnd;
    private bool _started;

    public LineBlockReader(string path, bool gzip, Action<long>? onBytes)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        _stream = gzip ? new GZipStream(_file, CompressionMode.Decompress) : _file;
        _onBytes = onBytes;
    }

    /// <summary>The next block, or null after the last line.</summary>
    public LineBlock? Next(CancellationToken cancellationToken)
    {
        if (_atEnd && _carryLength == 0) return null;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(BlockBytes, _carryLength * 2));
        _carry.AsSpan(0, _carryLength).CopyTo(buffer);
        var length = _carryLength;
        var searched = _carryLength; // the carried bytes hold no line break
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (!_atEnd && length < buffer.Length)
            {
                var n = _stream.Read(buffer, length, buffer.Length - length);
                if (n == 0) _atEnd = true;
                else
                {
                    length += n;
                    _onBytes?.Invoke(n);
                }
            }
            var start = 0;
            if (!_started && length >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) start = 3;
            var lastBreak = buffer.AsSpan(searched, length - searched).LastIndexOf((byte)'\n');
            if (lastBreak >= 0 || _atEnd)
            {
                _started = true;
                var end = lastBreak >= 0 && !_atEnd ? searched + lastBreak + 1 : length;
                Carry(buffer.AsSpan(end, length - end));
                var breaks = buffer.AsSpan(start, end - start).Count((byte)'\n');
                var block = new LineBlock(buffer, start, end, _nextLine, breaks);
                _nextLine += breaks;
                return block;
            }
            // One line fills the block: grow it.
            if (buffer.Length >= InputReader.MaxRecordBytes)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                throw new IngestException($"a record is longer than {InputReader.MaxRecordBytes >> 20} MB (is a quote left open?)");
            }
            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(0, length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
            searched = length;
        }
    }

    private void Carry(ReadOnlySpan<byte> rest)
    {
        if (rest.Length > _carry.Length) _carry = new byte[rest.Length];
        rest.CopyTo(_carry);
        _carryLength = rest.Length;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
    }
}
