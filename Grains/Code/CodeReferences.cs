using Orleans.Parallel.Engine;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Code;

/// <summary>Finds every uploaded assembly a request's functions need, wherever the functions sit in it.</summary>
internal static class CodeReferences
{
    /// <summary>The uploads a request needs, and those of an extra function (a requirement's predicate).</summary>
    public static IReadOnlyList<AssemblyRef> Of(EngineRequest request, FunctionPayload? extra = null)
    {
        var found = new List<AssemblyRef>();
        Walk(extra, found);
        switch (request)
        {
            case ApplyRequest r:
                Walk(r.Function, found);
                foreach (var arg in r.Args) Walk(arg, found);
                break;
            case MapRequest r:
                Walk(r.Function, found);
                Walk(r.Items, found);
                foreach (var more in r.More ?? []) Walk(more, found);
                break;
            case PushRequest r:
                foreach (var value in r.Values.Values) Walk(value, found);
                break;
        }
        return found;
    }

    private static void Walk(object? value, List<AssemblyRef> found)
    {
        switch (value)
        {
            case FunctionPayload f:
                found.AddRange(f.Uploaded);
                Walk(f.Target, found);
                break;
            case UserValue u:
                found.AddRange(u.Uploaded);
                break;
            case ClosureValue c:
                foreach (var field in c.Fields) Walk(field.Value, found);
                break;
        }
    }
}
