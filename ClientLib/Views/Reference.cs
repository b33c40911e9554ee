using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Views;

/// <summary>Stands for the engine's namespace variable of this name, wherever an argument may stand.</summary>
public abstract class Reference
{
    private protected Reference(string name)
    {
        NamespaceNames.Check(name, nameof(name));
        Name = name;
    }

    /// <summary>The variable's name on the engine.</summary>
    public string Name { get; }

    internal abstract ReferenceArg ToWire();

    /// <inheritdoc />
    public override string ToString() => $"Reference('{Name}')";
}

/// <summary>
/// Stands for the engine's namespace variable <see cref="Reference.Name"/>, which must be a
/// <typeparamref name="T"/>: <c>ApplyAsync((int[] x) =&gt; x.Sum(), new Reference&lt;int[]&gt;("x"))</c>.
/// </summary>
public sealed class Reference<T>(string name) : Reference(name)
{
    internal override ReferenceArg ToWire() => new(Name, typeof(T) == typeof(object) ? null : typeof(T).AssemblyQualifiedName);
}
