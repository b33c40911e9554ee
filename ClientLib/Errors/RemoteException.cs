using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Errors;

/// <summary>User code (or the engine on its behalf) raised an exception on an engine.</summary>
public class RemoteException : Exception
{
    /// <summary>Creates the exception from an engine's error report.</summary>
    public RemoteException(int engineId, Guid msgId, RemoteError error)
        : this(engineId, msgId, error, where: null, itemIndex: null)
    {
    }

    /// <summary>
    /// Creates the exception from an engine's error report about part of a map: <paramref name="where"/>
    /// says which input item or items ("map item 7", "map items 6..8"), <paramref name="itemIndex"/> is
    /// the input index of the item whose call raised it, when known.
    /// </summary>
    public RemoteException(int engineId, Guid msgId, RemoteError error, string? where, int? itemIndex)
        : base($"[engine {engineId}] {(where is null ? "" : where + ": ")}{error.ExceptionType}: {error.Message}")
    {
        ItemIndex = itemIndex;
        EngineId = engineId;
        MsgId = msgId;
        RemoteType = error.ExceptionType;
        RemoteMessage = error.Message;
        RemoteStackTrace = error.StackTrace;
        Diagnostics = error.Diagnostics;
    }

    /// <summary>For a map: the input index of the item whose call raised it (null for other tasks, or when the chunk failed as a whole).</summary>
    public int? ItemIndex { get; }

    /// <summary>The engine that raised it.</summary>
    public int EngineId { get; }

    /// <summary>The task that raised it.</summary>
    public Guid MsgId { get; }

    /// <summary>Full name of the exception type on the engine.</summary>
    public string RemoteType { get; }

    /// <summary>The exception's message on the engine.</summary>
    public string RemoteMessage { get; }

    /// <summary>The stack trace on the engine (with inner exceptions).</summary>
    public string RemoteStackTrace { get; }

    /// <summary>The compiler's diagnostics when code sent as text did not compile; otherwise empty.</summary>
    public IReadOnlyList<CompilerDiagnostic> Diagnostics { get; }

    /// <inheritdoc />
    public override string ToString() => $"{base.ToString()}\n--- remote stack trace ---\n{RemoteStackTrace}";
}
