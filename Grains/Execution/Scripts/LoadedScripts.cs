using System.Runtime.Loader;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// The silo's loaded scripts, one per compiled script and client session, the oldest unloaded
/// past <see cref="Limit"/>: a loaded script costs about 4 MB of the silo (its collectible
/// context's loader heaps and code), and sharing pays off within a broadcast, whose engines all
/// run one script at nearly the same time, so few are kept. One lock: a lookup is short, and a load
/// (one or two small images) happens once per script while the engines of a broadcast wait for it
/// instead of each loading their own.
/// An engine still running an unloaded script finishes it; the context goes once nothing uses it.
/// </summary>
internal sealed class LoadedScripts
{
    public const int Limit = 8;

    private readonly Dictionary<(ScriptCompiler.CompiledScript Script, AssemblyLoadContext Session), LoadedScript> _loaded = [];
    private readonly Queue<(ScriptCompiler.CompiledScript, AssemblyLoadContext)> _order = new();

    public LoadedScript For(ScriptCompiler.CompiledScript script, AssemblyLoadContext session)
    {
        lock (_loaded)
        {
            if (_loaded.TryGetValue((script, session), out var loaded)) return loaded;
            loaded = new LoadedScript(script, session);
            _loaded.Add((script, session), loaded);
            _order.Enqueue((script, session));
            while (_order.Count > Limit)
                if (_loaded.Remove(_order.Dequeue(), out var oldest)) oldest.Context.Unload();
            return loaded;
        }
    }
}
