using System.Collections.Concurrent;
using System.Reflection;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>
/// Maps a plain one-argument function over an array of exactly its parameter type through a typed
/// delegate: no reflection call and no boxing per item, which is most of the cost of a map over
/// many small items. Items must be values or strings (nothing in them to resolve). Only for types outside session code, so the cache never holds a session alive.
/// </summary>
internal static class TypedMap
{
    private static readonly MethodInfo RunDefinition = typeof(TypedMap).GetMethod(nameof(Run), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly ConcurrentDictionary<(Type Item, Type Result), (Type Delegate, Func<Delegate, Array, CancellationToken, Array> Run)> Runners = new();

    /// <summary>The results, or null when the function or items do not fit the fast path.</summary>
    public static Array? TryRun(FunctionMaterializer.Function function, object items, CancellationToken cancellationToken)
    {
        var method = function.Method;
        var parameters = method.GetParameters();
        if (parameters.Length != 1 || items is not Array array || array.Rank != 1) return null;
        var item = parameters[0].ParameterType;
        var result = method.ReturnType;
        // Items of other types may still hold references or user values to resolve one by one.
        if (array.GetType().GetElementType() != item || !(item.IsValueType || item == typeof(string)) || item.IsByRef || item.IsPointer || result == typeof(void) || result.IsByRef || result.IsPointer
            || Awaiting.ResultType(result) != result || item.Assembly.IsCollectible || result.Assembly.IsCollectible
            || item.ContainsGenericParameters || result.ContainsGenericParameters)
            return null;
        var runner = Runners.GetOrAdd((item, result), key => (
            typeof(Func<,>).MakeGenericType(key.Item, key.Result),
            RunDefinition.MakeGenericMethod(key.Item, key.Result).CreateDelegate<Func<Delegate, Array, CancellationToken, Array>>()));
        var typed = method.IsStatic ? method.CreateDelegate(runner.Delegate) : method.CreateDelegate(runner.Delegate, function.Target);
        return runner.Run(typed, array, cancellationToken);
    }

    private static Array Run<T, TResult>(Delegate function, Array items, CancellationToken cancellationToken)
    {
        var f = (Func<T, TResult>)function;
        var source = (T[])items;
        var results = new TResult[source.Length];
        var i = 0;
        try
        {
            for (; i < source.Length; i++) results[i] = f(source[i]);
        }
        catch (Exception e)
        {
            throw MapItemException.For(i, e, cancellationToken); // one try for the whole loop: the error still names its item
        }
        return results;
    }
}
