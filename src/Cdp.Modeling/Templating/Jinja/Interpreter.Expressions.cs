namespace Cdp.Modeling.Templating.Jinja;

/// <summary>Expression evaluation. A <see cref="TemplateException"/> becomes a <see cref="RenderError"/> at the
/// innermost expression that raised it.</summary>
internal sealed partial class Interpreter
{
    public object? Eval(Expr expr, Frame frame, MacroValue? caller = null)
    {
        try
        {
            return EvalCore(expr, frame, caller);
        }
        catch (TemplateException e)
        {
            throw new RenderError(template, expr.Offset, e.Message);
        }
    }

    private object? EvalCore(Expr expr, Frame frame, MacroValue? caller)
    {
        switch (expr)
        {
            case LiteralExpr literal:
                return literal.Value;
            case NameExpr name:
                return TryLookup(name.Name, frame, out var value) ? value : throw new TemplateException($"unknown name '{name.Name}'");
            case AttributeExpr attribute:
                return Attributes.Get(Eval(attribute.Target, frame), attribute.Name);
            case IndexExpr index:
                return Attributes.GetItem(Eval(index.Target, frame), Eval(index.Index, frame));
            case SliceExpr slice:
                return Attributes.Slice(Eval(slice.Target, frame), EvalOptional(slice.Start, frame), EvalOptional(slice.Stop, frame), EvalOptional(slice.Step, frame));
            case CallExpr call:
                return EvalCall(call, frame, caller);
            case FilterExpr filter:
                var subject = filter.Subject is null ? null
                    : filter.Name is "default" or "d" ? Probe(filter.Subject, frame) : Eval(filter.Subject, frame);
                return ApplyFilter(filter, subject, frame);
            case TestExpr test:
                if (test.Test == Tests.Unknown) throw new RenderError(template, -1, "");
                var tested = Tests.AcceptsUndefined(test.Name) ? Probe(test.Subject, frame) : Eval(test.Subject, frame);
                return test.Test(this, tested, EvalArguments(test.Arguments, frame)) != test.Negated;
            case UnaryExpr unary:
                return Operators.Unary(unary.Operator, Eval(unary.Operand, frame));
            case BinaryExpr binary:
                return Operators.Binary(binary.Operator, Eval(binary.Left, frame), Eval(binary.Right, frame));
            case CompareExpr compare:
                return EvalCompare(compare, frame);
            case AndExpr and:
                var left = Eval(and.Left, frame);
                return Values.IsTrue(left) ? Eval(and.Right, frame) : left;
            case OrExpr or:
                var first = Eval(or.Left, frame);
                return Values.IsTrue(first) ? first : Eval(or.Right, frame);
            case NotExpr not:
                return !Values.IsTrue(Eval(not.Operand, frame));
            case ConditionalExpr conditional:
                if (Values.IsTrue(Eval(conditional.Condition, frame))) return Eval(conditional.Then, frame);
                return conditional.Else is null ? "" : Eval(conditional.Else, frame);
            case ListExpr list:
                var items = new List<object?>(list.Items.Count);
                foreach (var item in list.Items) items.Add(Eval(item, frame));
                return items;
            case TupleExpr tuple:
                var values = new object?[tuple.Items.Count];
                for (var i = 0; i < values.Length; i++) values[i] = Eval(tuple.Items[i], frame);
                return values;
            case DictExpr dict:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (keyExpr, valueExpr) in dict.Items)
                {
                    var key = Eval(keyExpr, frame);
                    if (key is not string text) throw new RenderError(template, keyExpr.Offset, $"dict keys must be strings, not '{Values.TypeName(key)}'");
                    map[text] = Eval(valueExpr, frame);
                }
                return map;
            case ErrorExpr:
                throw new RenderError(template, -1, "");
            default:
                throw new TemplateException($"cannot evaluate {expr.GetType().Name}");
        }
    }

    private object? EvalOptional(Expr? expr, Frame frame) => expr is null ? null : Eval(expr, frame);

    /// <summary>Evaluates where a missing name or attribute is allowed (<c>is defined</c>, <c>default</c>): yields <see cref="Undefined"/>.</summary>
    private object? Probe(Expr expr, Frame frame)
    {
        switch (expr)
        {
            case NameExpr name:
                return TryLookup(name.Name, frame, out var value) ? value : Undefined.Instance;
            case AttributeExpr attribute:
                var owner = Probe(attribute.Target, frame);
                return Attributes.TryGet(owner, attribute.Name, out var member) ? member : Undefined.Instance;
            case IndexExpr index:
                var target = Probe(index.Target, frame);
                return Attributes.TryGetItem(target, Eval(index.Index, frame), out var item) ? item : Undefined.Instance;
            default:
                return Eval(expr, frame);
        }
    }

    private bool EvalCompare(CompareExpr compare, Frame frame)
    {
        var left = Eval(compare.First, frame);
        foreach (var (op, offset, operandExpr) in compare.Rest)
        {
            var right = Eval(operandExpr, frame);
            bool result;
            try
            {
                result = op switch
                {
                    "==" => Values.AreEqual(left, right),
                    "!=" => !Values.AreEqual(left, right),
                    "<" => Values.Compare(left, right, op) < 0,
                    "<=" => Values.Compare(left, right, op) <= 0,
                    ">" => Values.Compare(left, right, op) > 0,
                    ">=" => Values.Compare(left, right, op) >= 0,
                    "in" => Operators.Contains(right, left),
                    _ => !Operators.Contains(right, left),
                };
            }
            catch (TemplateException e)
            {
                throw new RenderError(template, offset, e.Message);
            }
            if (!result) return false;
            left = right;
        }
        return true;
    }

    private TemplateArguments EvalArguments(Arguments arguments, Frame frame)
    {
        if (arguments.Positional.Count == 0 && arguments.Named.Count == 0) return NoArguments;
        var positional = new List<object?>(arguments.Positional.Count);
        foreach (var arg in arguments.Positional) positional.Add(Eval(arg, frame));
        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, arg) in arguments.Named) named[name] = Eval(arg, frame);
        return new TemplateArguments(positional, named);
    }

    private static readonly TemplateArguments NoArguments = new([], new Dictionary<string, object?>());

    private object? ApplyFilter(FilterExpr filter, object? subject, Frame frame)
    {
        // An unknown filter was reported when parsed; the expression renders nothing without a second report.
        if (filter.Filter == Filters.Unknown) throw new RenderError(template, -1, "");
        var arguments = EvalArguments(filter.Arguments, frame);
        try
        {
            return filter.Filter(this, subject, arguments);
        }
        catch (TemplateException e)
        {
            throw new RenderError(template, filter.Offset, e.Message);
        }
    }

    private object? EvalCall(CallExpr call, Frame frame, MacroValue? caller)
    {
        var callee = Eval(call.Callee, frame);
        var arguments = EvalArguments(call.Arguments, frame);
        switch (callee)
        {
            case MacroValue macro:
                return CallMacro(macro, [.. arguments.Positional], new Dictionary<string, object?>(arguments.Named, StringComparer.Ordinal), caller);
            case TemplateFunction function:
                try
                {
                    return Values.Normalize(function(arguments));
                }
                catch (Exception e) when (e is not (TemplateException or RenderError or MacroReturn or InsufficientExecutionStackException))
                {
                    throw new TemplateException($"{CalleeName(call.Callee)}() failed: {e.Message}");
                }
            default:
                throw new TemplateException($"'{CalleeName(call.Callee)}' is not a function or macro (it is a '{Values.TypeName(callee)}')");
        }
    }

    private static string CalleeName(Expr callee) => callee switch
    {
        NameExpr name => name.Name,
        AttributeExpr attribute => attribute.Name,
        _ => "expression",
    };
}
