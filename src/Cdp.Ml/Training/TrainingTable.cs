using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cdp.Ml.Training;

/// <summary>
/// A labelled tabular data set held in memory, row-major: numeric features (NaN = missing), categorical features
/// (null or empty = missing, its own category) and a boolean label (true = the event, e.g. churned).
/// Identifier columns must not be passed as features: a customer id lets a model memorise rows.
/// </summary>
public sealed class TrainingTable
{
    public TrainingTable(IReadOnlyList<string> numericColumns, IReadOnlyList<string> categoricalColumns,
        IReadOnlyList<double[]> numeric, IReadOnlyList<string?[]> categorical, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(numericColumns);
        ArgumentNullException.ThrowIfNull(categoricalColumns);
        ArgumentNullException.ThrowIfNull(numeric);
        ArgumentNullException.ThrowIfNull(categorical);
        ArgumentNullException.ThrowIfNull(labels);
        if (numericColumns.Count + categoricalColumns.Count == 0)
            throw TrainingErrors.NoFeatures();
        if (numeric.Count != labels.Count || categorical.Count != labels.Count)
            throw TrainingErrors.RaggedTable("rows", labels.Count, numeric.Count, categorical.Count);
        for (var i = 0; i < labels.Count; i++)
        {
            if (numeric[i].Length != numericColumns.Count || categorical[i].Length != categoricalColumns.Count)
                throw TrainingErrors.RaggedRow(i, numericColumns.Count, numeric[i].Length, categoricalColumns.Count, categorical[i].Length);
        }
        NumericColumns = numericColumns;
        CategoricalColumns = categoricalColumns;
        Numeric = numeric;
        Categorical = categorical;
        Labels = labels;
    }

    public IReadOnlyList<string> NumericColumns { get; }
    public IReadOnlyList<string> CategoricalColumns { get; }
    public IReadOnlyList<double[]> Numeric { get; }
    public IReadOnlyList<string?[]> Categorical { get; }
    public IReadOnlyList<bool> Labels { get; }

    /// <summary>
    /// Who each row is (a person id), when rows of one person come from several cutoffs: cross-validation then keeps
    /// each person's rows in one fold, so no fold is scored on people its model was trained on. Null: rows are independent.
    /// </summary>
    public IReadOnlyList<long>? Groups { get; private init; }

    public int Rows => Labels.Count;

    /// <summary>This table with the group (person) of every row.</summary>
    public TrainingTable GroupedBy(IReadOnlyList<long> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count != Rows) throw TrainingErrors.RaggedTable("groups", Rows, groups.Count, groups.Count);
        return new TrainingTable(NumericColumns, CategoricalColumns, Numeric, Categorical, Labels) { Groups = groups };
    }
    public int Positives => Labels.Count(l => l);
    public int Negatives => Rows - Positives;

    /// <summary>Missing values per numeric column (NaN), in column order.</summary>
    public IReadOnlyDictionary<string, int> MissingNumeric()
        => NumericColumns.Select((name, c) => (name, count: Numeric.Count(r => double.IsNaN(r[c]))))
            .ToDictionary(p => p.name, p => p.count);

    /// <summary>
    /// Reads the named columns of a data view: numeric columns of any ML.NET number type or Boolean (as 0/1),
    /// categorical columns of text type, and a Boolean label.
    /// </summary>
    public static TrainingTable FromDataView(IDataView view, string label, IReadOnlyList<string> numericColumns, IReadOnlyList<string> categoricalColumns)
    {
        ArgumentNullException.ThrowIfNull(view);
        var labels = view.GetColumn<bool>(Column(view, label, BooleanDataViewType.Instance)).ToArray();
        var numeric = numericColumns.Select(name => ReadNumbers(view, name)).ToArray();
        var categorical = categoricalColumns.Select(name => view.GetColumn<string>(Column(view, name, TextDataViewType.Instance)).ToArray()).ToArray();
        var numericRows = new double[labels.Length][];
        var categoricalRows = new string?[labels.Length][];
        for (var i = 0; i < labels.Length; i++)
        {
            numericRows[i] = numeric.Select(c => c[i]).ToArray();
            categoricalRows[i] = categorical.Select(c => (string?)c[i]).ToArray();
        }
        return new TrainingTable(numericColumns, categoricalColumns, numericRows, categoricalRows, labels);
    }

    private static DataViewSchema.Column Column(IDataView view, string name, DataViewType expected)
    {
        if (view.Schema.GetColumnOrNull(name) is not { } column)
            throw TrainingErrors.MissingColumn(name, view.Schema.Select(c => c.Name));
        if (expected is not NumberDataViewType && !column.Type.Equals(expected))
            throw TrainingErrors.WrongColumnType(name, column.Type.ToString() ?? "?", expected.ToString() ?? "?");
        return column;
    }

    private static double[] ReadNumbers(IDataView view, string name)
    {
        var column = Column(view, name, NumberDataViewType.Double);
        var type = column.Type.RawType;
        if (type == typeof(double)) return view.GetColumn<double>(column).ToArray();
        if (type == typeof(float)) return view.GetColumn<float>(column).Select(v => (double)v).ToArray();
        if (type == typeof(int)) return view.GetColumn<int>(column).Select(v => (double)v).ToArray();
        if (type == typeof(long)) return view.GetColumn<long>(column).Select(v => (double)v).ToArray();
        if (type == typeof(bool)) return view.GetColumn<bool>(column).Select(v => v ? 1.0 : 0.0).ToArray();
        throw TrainingErrors.WrongColumnType(name, column.Type.ToString() ?? "?", "a number or Boolean");
    }
}
