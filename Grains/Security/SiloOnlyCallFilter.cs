using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Grains.Security;

/// <summary>
/// Refuses a call to a <see cref="SiloOnlyAttribute"/> method (or a method of a marked interface)
/// that comes from a client: such methods change the registry, queues and stores the silos keep
/// among themselves, and a client reaching them could, for one, point another client's engine at a
/// listener of its own.
/// </summary>
/// <remarks>
/// <para>
/// Who calls: Orleans stamps each request with its sender. A grain's call carries the grain's id; a
/// client's carries <c>sys.client/&lt;guid&gt;</c>. A silo's own services calling outside any grain
/// (the engine host starting and stopping engines, the death watcher, the task queue's timer, the
/// task recorder) send through the silo's hosted client, <c>sys.client/hosted-&lt;silo address&gt;</c>
/// (Orleans' <c>InsideRuntimeClient.SendRequest</c> and <c>HostedClient.CreateHostedClientGrainId</c>):
/// a client id too, so the hosted one is told apart by its key.
/// </para>
/// <para>
/// Cost: calls from grains and system targets pass on the sender check alone; a client's call adds
/// one dictionary look-up per call, keyed by the method, and allocates nothing.
/// </para>
/// </remarks>
public sealed partial class SiloOnlyCallFilter(ILogger<SiloOnlyCallFilter> logger) : IIncomingGrainCallFilter
{
    /// <summary>The key prefix Orleans gives a silo's hosted client (<c>HostedClient.CreateHostedClientGrainId</c>).</summary>
    private static ReadOnlySpan<byte> HostedClientKeyPrefix => "hosted-"u8;

    /// <summary>Whether each interface method seen so far is marked, directly or through its interface.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, bool> SiloOnlyMethods = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var source = context.SourceId;
        if (!IsFromClient(source) || !IsSiloOnly(context.InterfaceMethod)) return context.Invoke();
        var method = context.InterfaceMethod;
        var name = $"{method.DeclaringType?.Name}.{method.Name}";
        LogRefused(logger, name, source?.ToString() ?? "an unknown sender");
        throw new UnauthorizedAccessException($"{name} is for silos only: a client may not call it (the call came from {source?.ToString() ?? "an unknown sender"}).");
    }

    /// <summary>
    /// Whether a request from <paramref name="source"/> counts as a client's: an external client, or
    /// a request without a sender (no part of a silo sends one). A silo's grains, system targets and
    /// hosted client are not clients.
    /// </summary>
    internal static bool IsFromClient(GrainId? source) =>
        source is not { } id || (id.IsClient() && !id.Key.AsSpan().StartsWith(HostedClientKeyPrefix));

    /// <summary>Whether <paramref name="method"/> (an interface method) is marked, by itself or by its interface.</summary>
    internal static bool IsSiloOnly(MethodInfo method) =>
        SiloOnlyMethods.GetOrAdd(method, static m => IsMarked(m));

    private static bool IsMarked(MethodInfo method)
    {
        var definition = method.IsConstructedGenericMethod ? method.GetGenericMethodDefinition() : method;
        return definition.IsDefined(typeof(SiloOnlyAttribute), inherit: false)
            || definition.DeclaringType?.IsDefined(typeof(SiloOnlyAttribute), inherit: false) == true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a call to {Method}, which is for silos only, from {Source}")]
    private static partial void LogRefused(ILogger logger, string method, string source);
}
