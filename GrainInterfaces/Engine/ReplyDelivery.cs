using Orleans.Parallel.Bulk;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Engine;

/// <summary>How a reply goes back to its client: one-way when nothing in it can fail to serialize.</summary>
public static class ReplyDelivery
{
    /// <summary>Longest string result sent one-way; longer ones might not fit a message.</summary>
    private const int OneWayStringLimit = 64 * 1024;

    /// <summary>Whether the reply cannot fail to serialize, so it may go one-way (and be batched with others).</summary>
    public static bool TravelsOneWay(TaskReply reply) => IsSafe(reply.Result);

    private static bool IsSafe(object? result) => result switch
    {
        null or BulkRef or PackedArray => true,
        string s => s.Length <= OneWayStringLimit,
        _ => result.GetType().IsPrimitive || result is decimal or DateTime or DateTimeOffset or TimeSpan or Guid || result.GetType().IsEnum,
    };
}
