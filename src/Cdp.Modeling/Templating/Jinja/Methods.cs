using System.Text;

namespace Cdp.Modeling.Templating.Jinja;

/// <summary>The methods of strings, lists and dicts that dbt projects call (<c>s.lower()</c>, <c>cols.append(x)</c>, <c>d.items()</c>).</summary>
internal static class Methods
{
    public static bool TryBind(object value, string name, out TemplateFunction? method)
    {
        method = value switch
        {
            string s => StringMethod(s, name),
            _ when Values.AsMap(value) is { } map => DictMethod(value, map, name),
            _ when Values.AsList(value) is { } list => ListMethod(value, list, name),
            _ => null,
        };
        return method is not null;
    }

    private static TemplateFunction? StringMethod(string s, string name) => name switch
    {
        "lower" => _ => s.ToLowerInvariant(),
        "upper" => _ => s.ToUpperInvariant(),
        "strip" => a => Strip(s, a, start: true, end: true),
        "lstrip" => a => Strip(s, a, start: true, end: false),
        "rstrip" => a => Strip(s, a, start: false, end: true),
        "split" => a => Split(s, a),
        "replace" => a => Replace(s, Values.RequireString(a.Get(0, "old"), "replace() 'old'"), Values.RequireString(a.Get(1, "new"), "replace() 'new'"), a.Get(2, "count")),
        "startswith" => a => Affix(a.Get(0, "prefix"), p => s.StartsWith(p, StringComparison.Ordinal)),
        "endswith" => a => Affix(a.Get(0, "suffix"), p => s.EndsWith(p, StringComparison.Ordinal)),
        "format" => a => Format(s, a),
        "join" => a => string.Join(s, Values.Iterate(a.Get(0, "iterable")).Select(Values.ToText)),
        "title" => _ => Filters.Title(s),
        "capitalize" => _ => Filters.Capitalize(s),
        "find" => a => (long)s.IndexOf(Values.RequireString(a.Get(0, "sub"), "find() argument"), StringComparison.Ordinal),
        "count" => a => (long)CountOccurrences(s, Values.RequireString(a.Get(0, "sub"), "count() argument")),
        "isdigit" => _ => s.Length > 0 && s.All(char.IsDigit),
        "isalpha" => _ => s.Length > 0 && s.All(char.IsLetter),
        "isupper" => _ => s.Any(char.IsLetter) && !s.Any(char.IsLower),
        "islower" => _ => s.Any(char.IsLetter) && !s.Any(char.IsUpper),
        _ => null,
    };

    private static TemplateFunction? ListMethod(object value, IReadOnlyList<object?> list, string name) => name switch
    {
        "append" => a =>
        {
            Mutable(value).Add(a.Get(0, "item"));
            return null;
        },
        "extend" => a =>
        {
            var items = Values.Iterate(a.Get(0, "iterable")).ToList();
            foreach (var item in items) Mutable(value).Add(item);
            return null;
        },
        "insert" => a =>
        {
            var target = Mutable(value);
            var index = (int)Math.Clamp(Values.ToLong(a.Get(0, "index")), -target.Count, target.Count);
            target.Insert(index < 0 ? index + target.Count : index, a.Get(1, "item"));
            return null;
        },
        "pop" => a =>
        {
            var target = Mutable(value);
            if (target.Count == 0) throw new TemplateException("pop from an empty list");
            var index = (int)Values.ToLong(a.Get(0, "index", -1L));
            if (index < 0) index += target.Count;
            if (index < 0 || index >= target.Count) throw new TemplateException("pop index out of range");
            var item = target[index];
            target.RemoveAt(index);
            return item;
        },
        "remove" => a =>
        {
            var target = Mutable(value);
            var item = a.Get(0, "item");
            var index = IndexOf(list, item);
            if (index < 0) throw new TemplateException($"{Values.Repr(item)} is not in the list");
            target.RemoveAt(index);
            return null;
        },
        "index" => a =>
        {
            var item = a.Get(0, "item");
            var index = IndexOf(list, item);
            return index >= 0 ? (long)index : throw new TemplateException($"{Values.Repr(item)} is not in the list");
        },
        "count" => a => (long)list.Count(x => Values.AreEqual(x, a.Get(0, "item"))),
        "copy" => _ => list.ToList(),
        _ => null,
    };

    private static TemplateFunction? DictMethod(object value, IReadOnlyDictionary<string, object?> map, string name) => name switch
    {
        "items" => _ => map.Select(kv => (object?)new object?[] { kv.Key, kv.Value }).ToList(),
        "keys" => _ => map.Keys.ToList<object?>(),
        "values" => _ => map.Values.ToList(),
        "get" => a => map.TryGetValue(Values.RequireString(a.Get(0, "key"), "get() key"), out var v) ? v : a.Get(1, "default"),
        "copy" => _ => new Dictionary<string, object?>(map, StringComparer.Ordinal),
        "update" => a =>
        {
            var target = MutableMap(value);
            if (a.Positional.Count > 0)
            {
                var other = Values.AsMap(a.Positional[0]) ?? throw new TemplateException($"update() needs a dict, not '{Values.TypeName(a.Positional[0])}'");
                foreach (var (k, v) in other) target[k] = v;
            }
            foreach (var (k, v) in a.Named) target[k] = v;
            return null;
        },
        "pop" => a =>
        {
            var target = MutableMap(value);
            var key = Values.RequireString(a.Get(0, "key"), "pop() key");
            if (target.Remove(key, out var v)) return v;
            return a.Has(1, "default") ? a.Get(1, "default") : throw new TemplateException($"'dict' has no key {Values.Repr(key)}");
        },
        "setdefault" => a =>
        {
            var target = MutableMap(value);
            var key = Values.RequireString(a.Get(0, "key"), "setdefault() key");
            if (!target.TryGetValue(key, out var v)) target[key] = v = a.Get(1, "default");
            return v;
        },
        _ => null,
    };

    private static IList<object?> Mutable(object value)
        => value is IList<object?> { IsReadOnly: false } list and not object?[] ? list : throw new TemplateException($"this {Values.TypeName(value)} cannot be changed");

    private static IDictionary<string, object?> MutableMap(object value)
        => value is IDictionary<string, object?> { IsReadOnly: false } map ? map : throw new TemplateException("this dict cannot be changed");

    private static int IndexOf(IReadOnlyList<object?> list, object? item)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (Values.AreEqual(list[i], item)) return i;
        }
        return -1;
    }

    private static int CountOccurrences(string s, string sub)
    {
        if (sub.Length == 0) return s.Length + 1;
        var count = 0;
        for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    public static string Strip(string s, TemplateArguments a, bool start, bool end)
    {
        var chars = a.Get(0, "chars") is string c ? c.ToCharArray() : null;
        if (chars is null) return start && end ? s.Trim() : start ? s.TrimStart() : s.TrimEnd();
        return start && end ? s.Trim(chars) : start ? s.TrimStart(chars) : s.TrimEnd(chars);
    }

    private static List<object?> Split(string s, TemplateArguments a)
    {
        var separator = a.Get(0, "sep");
        var max = a.Get(1, "maxsplit") is { } m ? (int)Values.ToLong(m) : -1;
        if (separator is null)
        {
            var parts = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (max >= 0 && parts.Length > max + 1)
            {
                var trimmed = s.TrimStart();
                var result = new List<object?>();
                for (var i = 0; i < max; i++)
                {
                    var cut = trimmed.IndexOfAny([' ', '\t', '\n', '\r', '\f', '\v']);
                    result.Add(trimmed[..cut]);
                    trimmed = trimmed[cut..].TrimStart();
                }
                result.Add(trimmed);
                return result;
            }
            return parts.ToList<object?>();
        }
        var sep = Values.RequireString(separator, "split() separator");
        if (sep.Length == 0) throw new TemplateException("empty separator");
        return (max >= 0 ? s.Split(sep, max + 1) : s.Split(sep)).ToList<object?>();
    }

    public static string Replace(string s, string old, string replacement, object? count)
    {
        if (count is null || Values.ToLong(count) < 0) return old.Length == 0 ? s : s.Replace(old, replacement, StringComparison.Ordinal);
        var remaining = Values.ToLong(count);
        var sb = new StringBuilder();
        var pos = 0;
        while (remaining-- > 0 && old.Length > 0)
        {
            var i = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (i < 0) break;
            sb.Append(s, pos, i - pos).Append(replacement);
            pos = i + old.Length;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    private static bool Affix(object? argument, Func<string, bool> test)
    {
        if (argument is string s) return test(s);
        if (Values.AsList(argument) is { } options) return options.Any(o => test(Values.RequireString(o, "prefix")));
        throw new TemplateException($"expected a string or a tuple of strings, not '{Values.TypeName(argument)}'");
    }

    /// <summary><c>'{}_{}'.format(a, b)</c>, <c>'{0}'</c>, <c>'{name}'</c>; format specs are not supported.</summary>
    private static string Format(string s, TemplateArguments a)
    {
        var sb = new StringBuilder();
        var next = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '{' && i + 1 < s.Length && s[i + 1] == '{')
            {
                sb.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                sb.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var close = s.IndexOf('}', i);
                if (close < 0) throw new TemplateException("single '{' in format string");
                var field = s[(i + 1)..close];
                object? value;
                if (field.Length == 0) value = next < a.Positional.Count ? a.Positional[next++] : throw new TemplateException("format() has too few arguments");
                else if (int.TryParse(field, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                    value = n < a.Positional.Count ? a.Positional[n] : throw new TemplateException($"format() has no argument {n}");
                else value = a.Named.TryGetValue(field, out var v) ? v : throw new TemplateException($"format() has no argument '{field}'");
                sb.Append(Values.ToText(value));
                i = close;
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
