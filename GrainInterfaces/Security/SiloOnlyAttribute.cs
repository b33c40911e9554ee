namespace Orleans.Parallel.Security;

/// <summary>
/// Marks a grain method (or every method of a grain interface) that only silos may call: the engines,
/// registry, queues and stores call it among themselves, and no client library call needs it. A
/// silo refuses such a call when it comes from a client (the silo's own hosted client, which its
/// services outside any grain call through, counts as the silo).
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Interface, Inherited = false, AllowMultiple = false)]
public sealed class SiloOnlyAttribute : Attribute;
