using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Errors;

/// <summary>
/// A call's message would be larger than Orleans carries (<c>MessagingOptions.MaxMessageBodySize</c>,
/// 100 MiB by default), so the client refused it before sending anything. The message names the size,
/// the limit and the ways around it: primitive arrays travel in bulk at any size (send a large string
/// as a <c>byte[]</c> or <c>char[]</c>), split the value, or raise the limit on the client and the silos.
/// </summary>
public sealed class MessageTooLargeException : ArgumentException
{
    internal MessageTooLargeException(MessageSize.Excess excess, long limit)
        : base(MessageSize.Describe(excess, limit, result: false))
    {
        Bytes = excess.Bytes;
        Limit = limit;
    }

    /// <summary>How large the message is at least, in bytes (a lower bound: it may be larger still).</summary>
    public long Bytes { get; }

    /// <summary>The client's <c>MessagingOptions.MaxMessageBodySize</c>.</summary>
    public long Limit { get; }
}
