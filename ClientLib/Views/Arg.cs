namespace Orleans.Parallel.Views;

/// <summary>An argument of type <typeparamref name="T"/>: a value, or a <see cref="Reference{T}"/> to one on the engine.</summary>
public readonly struct Arg<T>
{
    private Arg(object? value) => Value = value;

    internal object? Value { get; }

    /// <summary>A value sent with the call.</summary>
    public static implicit operator Arg<T>(T value) => new(value);

    /// <summary>A variable of the engine's namespace.</summary>
    public static implicit operator Arg<T>(Reference<T> reference) => new(reference ?? throw new ArgumentNullException(nameof(reference)));
}
