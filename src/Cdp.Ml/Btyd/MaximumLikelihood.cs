namespace Cdp.Ml.Btyd;

/// <summary>
/// Maximum likelihood for models whose parameters are all positive: the optimiser works on their logarithms, so
/// every trial point is feasible and the scales of parameters (a of 0.8, alpha of 10) do not matter.
/// </summary>
internal static class MaximumLikelihood
{
    /// <summary>Maximises <paramref name="logLikelihood"/> from all parameters = 1; returns the estimates and the report data.</summary>
    public static (double[] Parameters, double LogLikelihood, int Iterations, int Evaluations, bool Converged) Fit(
        Func<double[], double> logLikelihood, int parameterCount, FitOptions options)
    {
        var optimum = NelderMead.Minimise(
            logParameters => -logLikelihood(Exp(logParameters)),
            new double[parameterCount],
            tolerance: options.Tolerance,
            maxIterations: options.MaxIterations);
        return (Exp(optimum.Point), -optimum.Value, optimum.Iterations, optimum.Evaluations, optimum.Converged);
    }

    private static double[] Exp(double[] values) => values.Select(Math.Exp).ToArray();

    public static void RequirePositive(string model, params (string Name, double Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            if (!double.IsFinite(value) || value <= 0)
                throw BtydErrors.InvalidParameters(model, FormattableString.Invariant($"{name} = {value}"));
        }
    }
}
