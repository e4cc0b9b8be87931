namespace Cdp.Modeling.Templating.Jinja;

/// <summary>Attribute and item access: <c>a.b</c> and <c>a['b']</c> on dicts, objects, lists and strings.</summary>
internal static class Attributes
{
    /// <summary><c>value.name</c>: a method of a string, list or dict, a dict key, an object attribute.</summary>
    public static bool TryGet(object? value, string name, out object? result)
    {
        result = null;
        if (value is null or Undefined) return false;
        if (value is ITemplateObject obj) return obj.TryGetAttribute(name, out result);
        if (Methods.TryBind(value, name, out var method))
        {
            result = method;
            return true;
        }
        if (Values.AsMap(value) is { } map) return map.TryGetValue(name, out result);
        if (value is not string && Values.AsList(value) is { } list && long.TryParse(name, out var index) && index < list.Count)
        {
            result = list[(int)index];
            return true;
        }
        return false;
    }

    public static object? Get(object? value, string name)
        => TryGet(value, name, out var result) ? result : throw new TemplateException($"'{Values.TypeName(value)}' has no attribute '{name}'");

    /// <summary><c>value[index]</c>; dict keys, list and string positions (negative from the end), object attributes.</summary>
    public static bool TryGetItem(object? value, object? index, out object? result)
    {
        result = null;
        switch (value)
        {
            case null or Undefined:
                return false;
            case string s when Values.IsInteger(index):
                var i = Values.ToLong(index);
                if (i < 0) i += s.Length;
                if (i < 0 || i >= s.Length) return false;
                result = s[(int)i].ToString();
                return true;
            case ITemplateObject obj when index is string attribute:
                return obj.TryGetAttribute(attribute, out result);
        }
        if (Values.AsMap(value) is { } map) return index is string key && map.TryGetValue(key, out result);
        if (Values.AsList(value) is { } list && Values.IsInteger(index))
        {
            var i = Values.ToLong(index);
            if (i < 0) i += list.Count;
            if (i < 0 || i >= list.Count) return false;
            result = list[(int)i];
            return true;
        }
        return false;
    }

    public static object? GetItem(object? value, object? index)
    {
        if (TryGetItem(value, index, out var result)) return result;
        if (Values.AsMap(value) is not null) throw new TemplateException($"'dict' has no key {Values.Repr(index)}");
        if ((value is string || Values.AsList(value) is not null) && Values.IsInteger(index))
        {
            throw new TemplateException($"{Values.TypeName(value)} index {Values.ToLong(index)} is out of range (length {Values.Length(value)})");
        }
        throw new TemplateException($"'{Values.TypeName(value)}' cannot be indexed with {Values.Repr(index)}");
    }

    /// <summary>A dotted attribute path (<c>'a.b'</c>) as the <c>attribute=</c> argument of filters uses it.</summary>
    public static object? GetPath(object? value, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (!TryGet(value, part, out var next) && !TryGetItem(value, part, out next))
            {
                throw new TemplateException($"'{Values.TypeName(value)}' has no attribute '{part}'");
            }
            value = next;
        }
        return value;
    }

    public static object? Slice(object? value, object? start, object? stop, object? step)
    {
        var length = Values.Length(value);
        var by = step is null ? 1 : (int)Values.ToLong(step);
        if (by == 0) throw new TemplateException("slice step cannot be zero");
        int Bound(object? v, int fallback)
        {
            if (v is null) return fallback;
            var i = Values.ToLong(v);
            if (i < 0) i += length;
            return (int)Math.Clamp(i, by > 0 ? 0 : -1, by > 0 ? length : length - 1);
        }
        var from = Bound(start, by > 0 ? 0 : length - 1);
        var to = Bound(stop, by > 0 ? length : -1);
        var indexes = new List<int>();
        for (var i = from; by > 0 ? i < to : i > to; i += by) indexes.Add(i);
        if (value is string s) return string.Concat(indexes.Select(i => s[i]));
        var list = Values.AsList(value) ?? throw new TemplateException($"'{Values.TypeName(value)}' cannot be sliced");
        var items = indexes.Select(i => list[i]);
        return value is object?[] ? items.ToArray() : items.ToList();
    }
}
