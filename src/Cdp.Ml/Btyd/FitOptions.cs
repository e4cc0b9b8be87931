namespace Cdp.Ml.Btyd;

/// <summary>How a BTYD model is fitted and when it refuses to.</summary>
/// <param name="MinimumCustomers">Fewer customers than this and the fit refuses (for Gamma-Gamma: repeat buyers).</param>
/// <param name="MinimumRepeatBuyers">Fewer customers with x &gt; 0 than this and the fit refuses.</param>
/// <param name="Tolerance">Relative change of the negative log-likelihood at which the optimiser stops.</param>
/// <param name="MaxIterations">Iterations of the optimiser across all restarts.</param>
public sealed record FitOptions(int MinimumCustomers = 30, int MinimumRepeatBuyers = 10, double Tolerance = 1e-12, int MaxIterations = 20_000)
{
    public static FitOptions Default { get; } = new();
}

/// <summary>What a fit achieved: the maximised log-likelihood, the data it saw and the optimiser's work.</summary>
/// <param name="LogLikelihood">The total log-likelihood at the estimates (a sum over customers, not a mean).</param>
/// <param name="Customers">Customers in the fit.</param>
/// <param name="RepeatBuyers">Customers with x &gt; 0 among them.</param>
/// <param name="Iterations">Simplex iterations used.</param>
/// <param name="Evaluations">Likelihood evaluations used.</param>
/// <param name="Converged">False when the optimiser stopped at its iteration limit.</param>
public sealed record FitReport(double LogLikelihood, int Customers, int RepeatBuyers, int Iterations, int Evaluations, bool Converged);
