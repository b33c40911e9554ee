namespace Orleans.Parallel.Errors;

/// <summary>A view resolved to no engines, so there is nothing to run on.</summary>
public sealed class NoEnginesException(string message) : InvalidOperationException(message);
