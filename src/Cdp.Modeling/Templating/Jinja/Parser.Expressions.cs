namespace Cdp.Modeling.Templating.Jinja;

/// <summary>Expressions, with Jinja's precedence (lowest first): conditional, or, and, not, comparisons,
/// + -, ~, * / // %, **, unary minus, then postfix (attributes, subscripts, calls), filters and tests.</summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> CompareOperators = new(StringComparer.Ordinal) { "==", "!=", "<", "<=", ">", ">=" };

    private void Expect(string op)
    {
        if (!Current.IsOperator(op)) throw Fail(Current, $"expected '{op}', found {Current.Describe()}");
        Advance();
    }

    private bool IsExpressionEnd()
        => Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.EndOfTemplate
            || Current.IsOperator(")") || Current.IsOperator("]") || Current.IsOperator("}");

    /// <summary>An expression, or a tuple of them separated by commas (<c>1, 2</c>).</summary>
    private Expr ParseTuple(bool withCondition)
    {
        var first = ParseExpression(withCondition);
        if (!Current.IsOperator(",")) return first;
        var items = new List<Expr> { first };
        while (Current.IsOperator(","))
        {
            Advance();
            if (IsExpressionEnd()) break;
            items.Add(ParseExpression(withCondition));
        }
        return new TupleExpr(first.Offset, items);
    }

    private Expr ParseExpression(bool withCondition) => withCondition ? ParseConditional() : ParseOr();

    private Expr ParseConditional()
    {
        var expr = ParseOr();
        while (Current.IsName("if"))
        {
            Advance();
            var condition = ParseOr();
            Expr? otherwise = null;
            if (Current.IsName("else"))
            {
                Advance();
                otherwise = ParseConditional();
            }
            expr = new ConditionalExpr(expr.Offset, condition, expr, otherwise);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            Advance();
            left = new OrExpr(left.Offset, left, ParseAnd());
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            Advance();
            left = new AndExpr(left.Offset, left, ParseNot());
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (!Current.IsName("not")) return ParseCompare();
        var not = Advance();
        return new NotExpr(not.Offset, ParseNot());
    }

    private Expr ParseCompare()
    {
        var first = ParseAdditive();
        List<(string, int, Expr)>? rest = null;
        while (true)
        {
            var token = Current;
            string op;
            if (token.Kind == TokenKind.Operator && CompareOperators.Contains(token.Text))
            {
                op = token.Text;
                Advance();
            }
            else if (token.IsName("in"))
            {
                op = "in";
                Advance();
            }
            else if (token.IsName("not") && Peek(1).IsName("in"))
            {
                op = "not in";
                Advance();
                Advance();
            }
            else
            {
                break;
            }
            (rest ??= []).Add((op, token.Offset, ParseAdditive()));
        }
        return rest is null ? first : new CompareExpr(first.Offset, first, rest);
    }

    private Expr ParseAdditive()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Advance();
            left = new BinaryExpr(op.Offset, op.Text, left, ParseConcat());
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMultiplicative();
        while (Current.IsOperator("~"))
        {
            var op = Advance();
            left = new BinaryExpr(op.Offset, "~", left, ParseMultiplicative());
        }
        return left;
    }

    private Expr ParseMultiplicative()
    {
        var left = ParsePower();
        while (Current.IsOperator("*") || Current.IsOperator("/") || Current.IsOperator("//") || Current.IsOperator("%"))
        {
            var op = Advance();
            left = new BinaryExpr(op.Offset, op.Text, left, ParsePower());
        }
        return left;
    }

    private Expr ParsePower()
    {
        var left = ParseUnary(withFilters: true);
        while (Current.IsOperator("**"))
        {
            var op = Advance();
            left = new BinaryExpr(op.Offset, "**", left, ParseUnary(withFilters: true));
        }
        return left;
    }

    private Expr ParseUnary(bool withFilters)
    {
        Expr expr;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Advance();
            expr = new UnaryExpr(op.Offset, op.Text, ParseUnary(withFilters: false));
        }
        else
        {
            expr = ParsePrimary();
        }
        expr = ParsePostfix(expr);
        return withFilters ? ParseFiltersAndTests(expr) : expr;
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                Advance();
                return token.Text switch
                {
                    "true" or "True" => new LiteralExpr(token.Offset, true),
                    "false" or "False" => new LiteralExpr(token.Offset, false),
                    "none" or "None" => new LiteralExpr(token.Offset, null),
                    "and" or "or" or "not" or "in" or "is" or "if" or "else" => throw Fail(token, $"expected an expression, found '{token.Text}'"),
                    _ => new NameExpr(token.Offset, token.Text),
                };
            case TokenKind.String:
                Advance();
                var text = (string)token.Value!;
                while (Current.Kind == TokenKind.String) text += (string)Advance().Value!;
                return new LiteralExpr(token.Offset, text);
            case TokenKind.Integer:
            case TokenKind.Float:
                Advance();
                return new LiteralExpr(token.Offset, token.Value);
            case TokenKind.Operator when token.Text == "(":
                return ParseParenthesized();
            case TokenKind.Operator when token.Text == "[":
                return ParseList();
            case TokenKind.Operator when token.Text == "{":
                return ParseDict();
            default:
                throw Fail(token, $"expected an expression, found {token.Describe()}");
        }
    }

    private Expr ParseParenthesized()
    {
        var open = Advance();
        if (Current.IsOperator(")"))
        {
            Advance();
            return new TupleExpr(open.Offset, []);
        }
        var first = ParseExpression(withCondition: true);
        if (Current.IsOperator(")"))
        {
            Advance();
            return first;
        }
        var items = new List<Expr> { first };
        while (Current.IsOperator(","))
        {
            Advance();
            if (Current.IsOperator(")")) break;
            items.Add(ParseExpression(withCondition: true));
        }
        ExpectClosing(")", open);
        return new TupleExpr(open.Offset, items);
    }

    private void ExpectClosing(string close, Token open)
    {
        if (Current.IsOperator(close))
        {
            Advance();
            return;
        }
        throw Fail(Current, $"expected '{close}' to close the '{open.Text}' at column {_source.Location(open.Offset).Column}, found {Current.Describe()}");
    }

    private ListExpr ParseList()
    {
        var open = Advance();
        var items = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (items.Count > 0)
            {
                if (!Current.IsOperator(",")) ExpectClosing("]", open);
                Advance();
                if (Current.IsOperator("]")) break;
            }
            items.Add(ParseExpression(withCondition: true));
        }
        Advance();
        return new ListExpr(open.Offset, items);
    }

    private DictExpr ParseDict()
    {
        var open = Advance();
        var items = new List<(Expr, Expr)>();
        while (!Current.IsOperator("}"))
        {
            if (items.Count > 0)
            {
                if (!Current.IsOperator(",")) ExpectClosing("}", open);
                Advance();
                if (Current.IsOperator("}")) break;
            }
            var key = ParseExpression(withCondition: true);
            Expect(":");
            items.Add((key, ParseExpression(withCondition: true)));
        }
        Advance();
        return new DictExpr(open.Offset, items);
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            var token = Current;
            if (token.IsOperator("."))
            {
                Advance();
                var name = Current;
                if (name.Kind is TokenKind.Name or TokenKind.Integer) Advance();
                else throw Fail(name, $"expected an attribute name after '.', found {name.Describe()}");
                expr = new AttributeExpr(name.Offset, expr, name.Text);
            }
            else if (token.IsOperator("["))
            {
                expr = ParseSubscript(expr);
            }
            else if (token.IsOperator("("))
            {
                expr = new CallExpr(expr.Offset, expr, ParseArguments());
            }
            else
            {
                return expr;
            }
        }
    }

    private Expr ParseSubscript(Expr target)
    {
        var open = Advance();
        Expr? start = null, stop = null, step = null;
        if (!Current.IsOperator(":")) start = ParseExpression(withCondition: true);
        if (!Current.IsOperator(":"))
        {
            ExpectClosing("]", open);
            return new IndexExpr(open.Offset, target, start!);
        }
        Advance();
        if (!Current.IsOperator(":") && !Current.IsOperator("]")) stop = ParseExpression(withCondition: true);
        if (Current.IsOperator(":"))
        {
            Advance();
            if (!Current.IsOperator("]")) step = ParseExpression(withCondition: true);
        }
        ExpectClosing("]", open);
        return new SliceExpr(open.Offset, target, start, stop, step);
    }

    private Arguments ParseArguments()
    {
        var open = Advance();
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!Current.IsOperator(")"))
        {
            if (positional.Count + named.Count > 0)
            {
                if (!Current.IsOperator(",")) ExpectClosing(")", open);
                Advance();
                if (Current.IsOperator(")")) break;
            }
            if (Current.Kind == TokenKind.Name && Peek(1).IsOperator("="))
            {
                var name = Advance();
                Advance();
                if (named.Exists(n => n.Item1 == name.Text)) throw Fail(name, $"argument '{name.Text}' is given twice");
                named.Add((name.Text, ParseExpression(withCondition: true)));
            }
            else
            {
                var value = ParseExpression(withCondition: true);
                if (named.Count > 0) throw new ParseException(value.Offset, "a positional argument cannot follow a keyword argument");
                positional.Add(value);
            }
        }
        Advance();
        return new Arguments(positional, named);
    }

    private Expr ParseFiltersAndTests(Expr expr)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                Advance();
                expr = ParseFilter(expr);
            }
            else if (Current.IsName("is"))
            {
                Advance();
                expr = ParseTest(expr);
            }
            else if (Current.IsOperator("("))
            {
                expr = new CallExpr(expr.Offset, expr, ParseArguments());
            }
            else
            {
                return expr;
            }
        }
    }

    private FilterExpr ParseFilter(Expr? subject)
    {
        var name = Current;
        if (name.Kind != TokenKind.Name) throw Fail(name, $"expected a filter name after '|', found {name.Describe()}");
        Advance();
        var arguments = Current.IsOperator("(") ? ParseArguments() : Arguments.None;
        if (!Filters.TryGet(name.Text, out var filter))
        {
            Error(name.Offset, $"unknown filter '{name.Text}'");
            filter = Filters.Unknown;
        }
        return new FilterExpr(name.Offset, subject, name.Text, filter, arguments);
    }

    private TestExpr ParseTest(Expr subject)
    {
        var negated = false;
        if (Current.IsName("not"))
        {
            negated = true;
            Advance();
        }
        var name = Current;
        if (name.Kind != TokenKind.Name) throw Fail(name, $"expected a test name after 'is', found {name.Describe()}");
        Advance();
        var testName = name.Text switch
        {
            "none" or "None" => "none",
            "true" or "True" => "true",
            "false" or "False" => "false",
            var other => other,
        };
        Arguments arguments;
        if (Current.IsOperator("(")) arguments = ParseArguments();
        else if (StartsSingleTestArgument()) arguments = new Arguments([ParseUnary(withFilters: false)], []);
        else arguments = Arguments.None;
        if (!Tests.TryGet(testName, out var test))
        {
            Error(name.Offset, $"unknown test '{name.Text}'");
            test = Tests.Unknown;
        }
        return new TestExpr(name.Offset, subject, testName, test, arguments, negated);
    }

    /// <summary>Jinja allows one argument without parentheses: <c>x is divisibleby 3</c>.</summary>
    private bool StartsSingleTestArgument()
    {
        var t = Current;
        return t.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float
            || (t.Kind == TokenKind.Name && t.Text is not ("and" or "or" or "not" or "in" or "is" or "if" or "else"))
            || t.IsOperator("[") || t.IsOperator("{");
    }
}
