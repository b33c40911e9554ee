namespace Orleans.Parallel.Grains.Execution;

/// <summary>Waits for functions that return <see cref="Task"/> or <see cref="ValueTask{TResult}"/> and takes their result.</summary>
internal static class Awaiting
{
    public static object? Unwrap(object? result)
    {
        switch (result)
        {
            case Task task:
                task.GetAwaiter().GetResult();
                var type = task.GetType();
                return type.IsGenericType && ResultType(type) is var r && r != typeof(void) && r.Name != "VoidTaskResult"
                    ? type.GetProperty(nameof(Task<object>.Result))!.GetValue(task)
                    : null;
            case ValueTask valueTask:
                valueTask.GetAwaiter().GetResult();
                return null;
            case not null when result.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>):
                return Unwrap(t.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(result, null));
            default:
                return result;
        }
    }

    /// <summary>The value type a method's callers finally get (T for Task&lt;T&gt;, object for void).</summary>
    public static Type ResultType(Type returnType)
    {
        if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask)) return typeof(object);
        if (returnType.IsGenericType)
        {
            var definition = returnType.GetGenericTypeDefinition();
            if (definition == typeof(Task<>) || definition == typeof(ValueTask<>)) return returnType.GetGenericArguments()[0];
        }
        for (var t = returnType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Task<>)) return t.GetGenericArguments()[0];
        return returnType;
    }
}
