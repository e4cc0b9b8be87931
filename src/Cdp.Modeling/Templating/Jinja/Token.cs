namespace Cdp.Modeling.Templating.Jinja;

internal enum TokenKind
{
    /// <summary>Literal template text between tags.</summary>
    Data,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,

    /// <summary>Something the lexer could not read (already reported); the parser skips the tag silently.</summary>
    Error,
    EndOfTemplate,
}

/// <summary>One token; <see cref="Offset"/> is the character offset in the template text.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Offset, object? Value = null)
{
    public bool IsOperator(string op) => Kind == TokenKind.Operator && string.Equals(Text, op, StringComparison.Ordinal);

    public bool IsName(string name) => Kind == TokenKind.Name && string.Equals(Text, name, StringComparison.Ordinal);

    /// <summary>How the token is named in messages.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.EndOfTemplate => "end of template",
        TokenKind.VariableEnd => "'}}'",
        TokenKind.BlockEnd => "'%}'",
        TokenKind.VariableBegin => "'{{'",
        TokenKind.BlockBegin => "'{%'",
        TokenKind.Data => "template text",
        TokenKind.String => "string " + Text,
        _ => "'" + Text + "'",
    };
}
