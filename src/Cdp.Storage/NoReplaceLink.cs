using System.Runtime.InteropServices;

namespace Cdp.Storage;

/// <summary>
/// Gives a complete file a second name only if that name is free, atomically: the commit primitive on local disk.
/// <see cref="File.Move(string, string, bool)"/> without overwrite is not enough on Unix: .NET checks that the target
/// is absent and then calls rename(2), which replaces a target created in between, so two writers can both "win".
/// </summary>
internal static partial class NoReplaceLink
{
    private const int EEXIST = 17; // the same value on Linux and macOS

    /// <summary>True when <paramref name="target"/> now names the file; false when it already existed.</summary>
    public static bool TryCreate(string existingFile, string target)
    {
        if (OperatingSystem.IsWindows())
        {
            // MoveFileEx without MOVEFILE_REPLACE_EXISTING fails atomically when the target exists.
            try
            {
                File.Move(existingFile, target, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(target))
            {
                return false;
            }
        }
        if (Link(existingFile, target) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST) return false;
        throw new IOException(
            $"Cannot create '{target}': link(2) failed with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}). " +
            "Commits on local disk need a file system with hard links.");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existingFile, string newName);
}
