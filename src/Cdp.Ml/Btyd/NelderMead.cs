namespace Cdp.Ml.Btyd;

/// <summary>The minimum an optimiser found: the point, the value there, and the work it took.</summary>
internal sealed record OptimumPoint(double[] Point, double Value, int Iterations, int Evaluations, bool Converged);

/// <summary>
/// Nelder-Mead downhill simplex minimisation (Nelder &amp; Mead 1965, with the standard coefficients: reflection 1,
/// expansion 2, contraction ½, shrink ½) with restarts: after the simplex collapses it is rebuilt around the best
/// point and run again, until a restart no longer improves the value. Restarting guards against the known failure of
/// a simplex collapsing onto a line away from the minimum. Deterministic: no random numbers, ties keep vertex order.
/// Non-finite objective values count as +∞, so infeasible trial points are simply rejected.
/// </summary>
internal static class NelderMead
{
    private const double Reflection = 1, Expansion = 2, Contraction = 0.5, Shrink = 0.5;

    public static OptimumPoint Minimise(
        Func<double[], double> objective,
        double[] start,
        double initialStep = 0.5,
        double tolerance = 1e-12,
        int maxIterations = 20_000,
        int maxRestarts = 8)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(start);
        var evaluations = 0;
        double Evaluate(double[] x)
        {
            evaluations++;
            var v = objective(x);
            return double.IsFinite(v) ? v : double.PositiveInfinity;
        }

        var best = (double[])start.Clone();
        var bestValue = Evaluate(best);
        var iterations = 0;
        var converged = false;
        var step = initialStep;
        for (var restart = 0; restart <= maxRestarts; restart++)
        {
            var (point, value, used, collapsed) = Run(Evaluate, best, step, tolerance, maxIterations - iterations);
            iterations += used;
            var improvement = bestValue - value;
            if (value <= bestValue)
            {
                best = point;
                bestValue = value;
            }
            converged = collapsed;
            if (!collapsed || iterations >= maxIterations) break;
            // A restart that moves the value by no more than the tolerance confirms the minimum.
            if (restart > 0 && improvement <= tolerance * (1 + Math.Abs(bestValue))) break;
            step = Math.Max(step * 0.5, 0.05);
        }
        return new OptimumPoint(best, bestValue, iterations, evaluations, converged);
    }

    private static (double[] Point, double Value, int Iterations, bool Collapsed) Run(
        Func<double[], double> evaluate, double[] start, double step, double tolerance, int maxIterations)
    {
        var n = start.Length;
        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        simplex[0] = (double[])start.Clone();
        values[0] = evaluate(simplex[0]);
        for (var i = 0; i < n; i++)
        {
            var vertex = (double[])start.Clone();
            vertex[i] += step;
            simplex[i + 1] = vertex;
            values[i + 1] = evaluate(vertex);
        }

        var order = new int[n + 1];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            for (var i = 0; i <= n; i++) order[i] = i;
            // Stable sort by value keeps the result independent of anything but the input.
            Array.Sort(order, (x, y) => values[x] != values[y] ? values[x].CompareTo(values[y]) : x.CompareTo(y));
            int bestIndex = order[0], worst = order[n], secondWorst = order[n - 1];

            if (HasCollapsed(simplex, values, bestIndex, tolerance))
                return (simplex[bestIndex], values[bestIndex], iteration, true);

            var centroid = new double[n];
            for (var i = 0; i < n; i++)
            {
                var vertex = simplex[order[i]];
                for (var j = 0; j < n; j++) centroid[j] += vertex[j] / n;
            }

            var reflected = Along(centroid, simplex[worst], -Reflection);
            var reflectedValue = evaluate(reflected);
            if (reflectedValue < values[bestIndex])
            {
                var expanded = Along(centroid, simplex[worst], -Expansion);
                var expandedValue = evaluate(expanded);
                if (expandedValue < reflectedValue) Replace(worst, expanded, expandedValue);
                else Replace(worst, reflected, reflectedValue);
                continue;
            }
            if (reflectedValue < values[secondWorst])
            {
                Replace(worst, reflected, reflectedValue);
                continue;
            }
            // Contract towards the better of the worst vertex and its reflection.
            var outside = reflectedValue < values[worst];
            var contracted = Along(centroid, outside ? reflected : simplex[worst], Contraction);
            var contractedValue = evaluate(contracted);
            if (contractedValue < Math.Min(reflectedValue, values[worst]))
            {
                Replace(worst, contracted, contractedValue);
                continue;
            }
            for (var i = 0; i <= n; i++)
            {
                if (i == bestIndex) continue;
                simplex[i] = Along(simplex[bestIndex], simplex[i], Shrink);
                values[i] = evaluate(simplex[i]);
            }
        }

        var last = 0;
        for (var i = 1; i <= n; i++) if (values[i] < values[last]) last = i;
        return (simplex[last], values[last], maxIterations, false);

        void Replace(int index, double[] vertex, double value)
        {
            simplex[index] = vertex;
            values[index] = value;
        }
    }

    // centroid + coefficient · (vertex − centroid): −1 reflects, −2 expands, ½ contracts.
    private static double[] Along(double[] origin, double[] vertex, double coefficient)
    {
        var point = new double[origin.Length];
        for (var j = 0; j < point.Length; j++) point[j] = origin[j] + coefficient * (vertex[j] - origin[j]);
        return point;
    }

    private static bool HasCollapsed(double[][] simplex, double[] values, int best, double tolerance)
    {
        var spreadValue = 0.0;
        var spreadPoint = 0.0;
        for (var i = 0; i < simplex.Length; i++)
        {
            spreadValue = Math.Max(spreadValue, Math.Abs(values[i] - values[best]));
            for (var j = 0; j < simplex[i].Length; j++)
                spreadPoint = Math.Max(spreadPoint, Math.Abs(simplex[i][j] - simplex[best][j]));
        }
        return double.IsFinite(values[best])
            && spreadValue <= tolerance * (1 + Math.Abs(values[best]))
            && spreadPoint <= Math.Sqrt(tolerance);
    }
}
