namespace Cdp.Modeling.Templating.Jinja;

// The syntax tree a template parses into once; rendering walks it. Offsets are character offsets in the template.

internal abstract record Node(int Offset);

internal sealed record TextNode(int Offset, string Text) : Node(Offset);

internal sealed record OutputNode(int Offset, Expr Expression) : Node(Offset);

internal sealed record IfNode(int Offset, IReadOnlyList<(Expr Condition, IReadOnlyList<Node> Body)> Branches, IReadOnlyList<Node>? Else) : Node(Offset);

internal sealed record ForNode(int Offset, IReadOnlyList<string> Targets, Expr Iterable, Expr? Filter, IReadOnlyList<Node> Body, IReadOnlyList<Node>? Else)
    : Node(Offset);

/// <summary>An assignment target: a name, or an attribute of a namespace (<c>ns.total</c>).</summary>
internal sealed record SetTarget(int Offset, string Name, string? Attribute);

internal sealed record SetNode(int Offset, IReadOnlyList<SetTarget> Targets, Expr Value) : Node(Offset);

internal sealed record BlockSetNode(int Offset, SetTarget Target, IReadOnlyList<Node> Body) : Node(Offset);

internal sealed record Parameter(string Name, Expr? Default);

internal sealed record MacroNode(int Offset, string Name, IReadOnlyList<Parameter> Parameters, IReadOnlyList<Node> Body) : Node(Offset);

/// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: the body becomes <c>caller()</c> in the macro.</summary>
internal sealed record CallBlockNode(int Offset, CallExpr Call, MacroNode Caller) : Node(Offset);

internal sealed record DoNode(int Offset, Expr Expression) : Node(Offset);

internal sealed record FilterBlockNode(int Offset, IReadOnlyList<FilterExpr> Filters, IReadOnlyList<Node> Body) : Node(Offset);

internal abstract record Expr(int Offset);

internal sealed record LiteralExpr(int Offset, object? Value) : Expr(Offset);

internal sealed record NameExpr(int Offset, string Name) : Expr(Offset);

internal sealed record ListExpr(int Offset, IReadOnlyList<Expr> Items) : Expr(Offset);

internal sealed record TupleExpr(int Offset, IReadOnlyList<Expr> Items) : Expr(Offset);

internal sealed record DictExpr(int Offset, IReadOnlyList<(Expr Key, Expr Value)> Items) : Expr(Offset);

internal sealed record AttributeExpr(int Offset, Expr Target, string Name) : Expr(Offset);

internal sealed record IndexExpr(int Offset, Expr Target, Expr Index) : Expr(Offset);

internal sealed record SliceExpr(int Offset, Expr Target, Expr? Start, Expr? Stop, Expr? Step) : Expr(Offset);

internal sealed record Arguments(IReadOnlyList<Expr> Positional, IReadOnlyList<(string Name, Expr Value)> Named)
{
    public static readonly Arguments None = new([], []);
}

internal sealed record CallExpr(int Offset, Expr Callee, Arguments Arguments) : Expr(Offset);

/// <summary><c>subject | name(args)</c>; the filter is resolved when parsed.</summary>
internal sealed record FilterExpr(int Offset, Expr? Subject, string Name, Filter Filter, Arguments Arguments) : Expr(Offset);

internal sealed record TestExpr(int Offset, Expr Subject, string Name, Test Test, Arguments Arguments, bool Negated) : Expr(Offset);

internal sealed record UnaryExpr(int Offset, string Operator, Expr Operand) : Expr(Offset);

internal sealed record BinaryExpr(int Offset, string Operator, Expr Left, Expr Right) : Expr(Offset);

/// <summary><c>a &lt; b &lt;= c</c>: comparisons chain as in Python.</summary>
internal sealed record CompareExpr(int Offset, Expr First, IReadOnlyList<(string Operator, int Offset, Expr Operand)> Rest) : Expr(Offset);

internal sealed record AndExpr(int Offset, Expr Left, Expr Right) : Expr(Offset);

internal sealed record OrExpr(int Offset, Expr Left, Expr Right) : Expr(Offset);

internal sealed record NotExpr(int Offset, Expr Operand) : Expr(Offset);

internal sealed record ConditionalExpr(int Offset, Expr Condition, Expr Then, Expr? Else) : Expr(Offset);

/// <summary>Stands in for an expression that failed to parse (already reported); renders as nothing.</summary>
internal sealed record ErrorExpr(int Offset) : Expr(Offset);
