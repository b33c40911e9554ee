namespace Orleans.Parallel.Results;

/// <summary>
/// One item of a map whose errors stay in place (ipyparallel's <c>map(..., return_exceptions=True)</c>):
/// the value its call returned, or the error it raised, at its input index. A failed item does not
/// fail the others.
/// </summary>
public readonly struct MapItem<T> : IEquatable<MapItem<T>>, IMapItemOutcome
{
    private readonly T _value;

    internal MapItem(int index, T value) => (Index, _value, Error) = (index, value, null);

    internal MapItem(int index, Exception error) => (Index, _value, Error) = (index, default!, error);

    /// <summary>The item's position in the map's input.</summary>
    public int Index { get; }

    /// <summary>
    /// What the item's call raised: a <see cref="Errors.RemoteException"/> naming the item, or, when its
    /// whole task failed (its engine died, it was aborted), that task's error. Null when it succeeded.
    /// </summary>
    public Exception? Error { get; }

    /// <summary>Whether the item's call returned a value.</summary>
    public bool Succeeded => Error is null;

    /// <summary>The item's value.</summary>
    /// <exception cref="InvalidOperationException">The item failed; its error is the inner exception (and <see cref="Error"/>).</exception>
    public T Value => Error is null ? _value
        : throw new InvalidOperationException($"Map item {Index} failed, so it has no value; read its Error ({Error.GetType().Name}: {Error.Message}).", Error);

    /// <summary>The value, if the item succeeded.</summary>
    public bool TryGetValue(out T value)
    {
        value = _value;
        return Error is null;
    }

    /// <inheritdoc />
    public bool Equals(MapItem<T> other) =>
        Index == other.Index && Equals(Error, other.Error) && EqualityComparer<T>.Default.Equals(_value, other._value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MapItem<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Index, Error, _value);

    /// <summary>Equality by index, value and error.</summary>
    public static bool operator ==(MapItem<T> left, MapItem<T> right) => left.Equals(right);

    /// <summary>Inequality by index, value and error.</summary>
    public static bool operator !=(MapItem<T> left, MapItem<T> right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Error is null ? $"[{Index}] {_value}" : $"[{Index}] {Error.GetType().Name}: {Error.Message}";
}

/// <summary>A map item's outcome without its value's type (a watch counts failed items of any map).</summary>
internal interface IMapItemOutcome
{
    /// <summary>The item's error; null when it succeeded.</summary>
    Exception? Error { get; }
}
