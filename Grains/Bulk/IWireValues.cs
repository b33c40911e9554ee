namespace Orleans.Parallel.Grains.Bulk;

/// <summary>
/// Turns the values of a request into what user code receives, and what user code returns into
/// what travels back. In a silo (<see cref="BulkValues"/>) large arrays come and go over the bulk
/// listener; in an isolated engine's process (<see cref="Isolation.Child.ChildWireValues"/>) the
/// parent silo has done that already, so arrays arrive whole and leave whole.
/// </summary>
public interface IWireValues
{
    /// <summary>The value a wire value stands for. May block while a bulk array arrives: call on an engine thread.</summary>
    object? Receive(object? wire);

    /// <summary>The wire form of a result value; a task that completes once a bulk offer was read is added to <paramref name="sending"/>.</summary>
    object? Offer(object? value, Guid session, ref List<Task>? sending);
}
