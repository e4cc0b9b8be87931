using System.Runtime.CompilerServices;
using System.Text;

namespace Cdp.Modeling.Templating.Jinja;

/// <summary>
/// Renders the statements of one template by walking its syntax tree. An error is reported by the statement it
/// happens in (once per location and render); that statement renders nothing and rendering goes on.
/// </summary>
internal sealed partial class Interpreter(JinjaTemplate template, RenderState state)
{
    private const int MaxMacroDepth = 100;

    public void Execute(IReadOnlyList<Node> body, Frame frame, StringBuilder output)
    {
        foreach (var node in body)
        {
            try
            {
                ExecuteNode(node, frame, output);
            }
            catch (RenderError e)
            {
                if (e.Offset >= 0) state.Report(e.Template, e.Offset, e.Message);
            }
            catch (MacroReturn) when (state.Depth == 0)
            {
                state.Report(template, node.Offset, "return() can only be used inside a macro");
            }
            catch (InsufficientExecutionStackException)
            {
                state.Report(template, node.Offset, "the template nests too deeply");
            }
        }
    }

    private void ExecuteNode(Node node, Frame frame, StringBuilder output)
    {
        switch (node)
        {
            case TextNode text:
                output.Append(text.Text);
                break;
            case OutputNode print:
                output.Append(Values.ToText(Eval(print.Expression, frame)));
                break;
            case IfNode ifNode:
                foreach (var (condition, body) in ifNode.Branches)
                {
                    if (!Values.IsTrue(Eval(condition, frame))) continue;
                    Execute(body, frame, output);
                    return;
                }
                if (ifNode.Else is { } otherwise) Execute(otherwise, frame, output);
                break;
            case ForNode forNode:
                ExecuteFor(forNode, frame, output);
                break;
            case SetNode set:
                Assign(set.Targets, Eval(set.Value, frame), frame);
                break;
            case BlockSetNode blockSet:
                var captured = new StringBuilder();
                Execute(blockSet.Body, frame, captured);
                Assign([blockSet.Target], captured.ToString(), frame);
                break;
            case MacroNode macro:
                frame.Set(macro.Name, new MacroValue(macro, template, frame));
                break;
            case CallBlockNode call:
                var result = Eval(call.Call, frame, new MacroValue(call.Caller, template, frame));
                output.Append(Values.ToText(result));
                break;
            case DoNode doNode:
                Eval(doNode.Expression, frame);
                break;
            case FilterBlockNode filterBlock:
                var body2 = new StringBuilder();
                Execute(filterBlock.Body, frame, body2);
                object? value = body2.ToString();
                foreach (var filter in filterBlock.Filters) value = ApplyFilter(filter, value, frame);
                output.Append(Values.ToText(value));
                break;
        }
    }

    private void ExecuteFor(ForNode node, Frame frame, StringBuilder output)
    {
        var source = Eval(node.Iterable, frame);
        IReadOnlyList<object?> items;
        try
        {
            items = [.. Values.Iterate(source)];
        }
        catch (TemplateException e)
        {
            throw new RenderError(template, node.Iterable.Offset, e.Message);
        }
        if (node.Filter is { } filter)
        {
            var kept = new List<object?>();
            foreach (var item in items)
            {
                var scope = new Frame(frame);
                Bind(node, item, scope);
                if (Values.IsTrue(Eval(filter, scope))) kept.Add(item);
            }
            items = kept;
        }
        if (items.Count == 0)
        {
            if (node.Else is { } otherwise) Execute(otherwise, frame, output);
            return;
        }
        var loop = new LoopInfo(items);
        for (var i = 0; i < items.Count; i++)
        {
            var scope = new Frame(frame);
            loop.Index0 = i;
            Bind(node, items[i], scope);
            scope.Set("loop", loop);
            Execute(node.Body, scope, output);
        }
    }

    private void Bind(ForNode node, object? item, Frame scope)
    {
        if (node.Targets.Count == 1)
        {
            scope.Set(node.Targets[0], item);
            return;
        }
        var values = Unpack(item, node.Targets.Count, node.Offset);
        for (var i = 0; i < values.Count; i++) scope.Set(node.Targets[i], values[i]);
    }

    private IReadOnlyList<object?> Unpack(object? value, int count, int offset)
    {
        IReadOnlyList<object?> values;
        try
        {
            values = Values.Iterate(value);
        }
        catch (TemplateException)
        {
            throw new RenderError(template, offset, $"cannot unpack a '{Values.TypeName(value)}' into {count} names");
        }
        if (values.Count != count) throw new RenderError(template, offset, $"expected {count} values to unpack, got {values.Count}");
        return values;
    }

    private void Assign(IReadOnlyList<SetTarget> targets, object? value, Frame frame)
    {
        var values = targets.Count == 1 ? [value] : Unpack(value, targets.Count, targets[0].Offset);
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            if (target.Attribute is null)
            {
                frame.Set(target.Name, values[i]);
                continue;
            }
            var owner = Lookup(target.Name, frame, target.Offset);
            if (owner is not Namespace ns)
            {
                throw new RenderError(template, target.Offset,
                    $"cannot set attribute '{target.Attribute}' of a '{Values.TypeName(owner)}'; only namespace() objects take assignments");
            }
            ns.Attributes[target.Attribute] = values[i];
        }
    }

    private object? Lookup(string name, Frame frame, int offset)
        => TryLookup(name, frame, out var value) ? value : throw new RenderError(template, offset, $"unknown name '{name}'");

    /// <summary>Locals, then this template's macros, then the render's globals and the macros of other templates, then built-ins.</summary>
    private bool TryLookup(string name, Frame frame, out object? value)
    {
        if (frame.TryGet(name, out value)) return true;
        if (template.Macros.TryGetValue(name, out var macro))
        {
            value = new MacroValue(macro, template, template == state.RootTemplate ? state.RootFrame : null);
            return true;
        }
        if (state.Globals.TryGet(name, out value))
        {
            value = Values.Normalize(value);
            return true;
        }
        if (state.Globals.TryGetMacro(name, out var other) && other is JinjaTemplate jinja && jinja.Macros.TryGetValue(name, out macro))
        {
            value = new MacroValue(macro, jinja, jinja == state.RootTemplate ? state.RootFrame : null);
            return true;
        }
        if (Builtins.TryGet(name, out var function))
        {
            value = function;
            return true;
        }
        value = null;
        return false;
    }

    private object? CallMacro(MacroValue macro, List<object?> positional, Dictionary<string, object?> named, MacroValue? caller)
    {
        var node = macro.Node;
        var parameters = node.Parameters;
        if (positional.Count > parameters.Count)
        {
            var takes = parameters.Count == 1 ? "1 argument" : $"{parameters.Count} arguments";
            throw new TemplateException($"macro '{node.Name}' takes {takes} but {positional.Count} were given");
        }
        foreach (var key in named.Keys)
        {
            var index = IndexOfParameter(parameters, key);
            if (index < 0) throw new TemplateException($"macro '{node.Name}' has no argument named '{key}'");
            if (index < positional.Count) throw new TemplateException($"macro '{node.Name}' got two values for the argument '{key}'");
        }
        if (state.Depth >= MaxMacroDepth) throw new TemplateException($"macros call each other too deeply (more than {MaxMacroDepth} levels)");
        RuntimeHelpers.EnsureSufficientExecutionStack();

        var interpreter = macro.Template == template ? this : new Interpreter(macro.Template, state);
        var frame = new Frame(macro.Closure);
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            object? value;
            if (i < positional.Count) value = positional[i];
            else if (named.TryGetValue(parameter.Name, out var given)) value = given;
            else if (parameter.Default is { } fallback) value = interpreter.Eval(fallback, frame);
            else throw new TemplateException($"macro '{node.Name}' is missing the argument '{parameter.Name}'");
            frame.Set(parameter.Name, value);
        }
        if (caller is not null) frame.Set("caller", caller);

        state.Depth++;
        try
        {
            var output = new StringBuilder();
            interpreter.Execute(node.Body, frame, output);
            return output.ToString();
        }
        catch (MacroReturn returned)
        {
            return returned.Value;
        }
        finally
        {
            state.Depth--;
        }
    }

    private static int IndexOfParameter(IReadOnlyList<Parameter> parameters, string name)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            if (string.Equals(parameters[i].Name, name, StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}
