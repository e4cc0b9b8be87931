namespace Cdp.Audiences;

/// <summary>A problem in audience definitions or their compilation: every problem found, one per line, each naming the audience and YAML path.</summary>
public sealed class AudienceException : Exception
{
    public AudienceException(IReadOnlyList<string> errors)
        : base(string.Join('\n', errors)) => Errors = errors;

    public AudienceException(string message)
        : this([message])
    {
    }

    public AudienceException()
        : this("Invalid audience definitions.")
    {
    }

    public AudienceException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
