using System.Collections.Concurrent;
using System.Reflection;
using Orleans.Parallel.Code;

namespace Orleans.Parallel.Functions;

/// <summary>Knows which of the client's assemblies engines need, and uploads each once per cluster by content hash.</summary>
internal sealed class AssemblyUploader(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<Assembly, ShippedAssembly[]> _closures = new();
    private readonly ConcurrentDictionary<string, Lazy<Task>> _uploads = new();

    /// <summary>The assembly and every assembly it references that silos do not have, itself first.</summary>
    public ShippedAssembly[] Closure(Assembly root) => _closures.GetOrAdd(root, static root =>
    {
        var result = new List<ShippedAssembly>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<Assembly>([root]);
        while (pending.TryPop(out var assembly))
        {
            if (!seen.Add(assembly.GetName().Name!)) continue;
            var shipped = ShippedAssembly.Of(assembly);
            result.Add(shipped);
            if (shipped.Bytes is null) continue;
            foreach (var name in assembly.GetReferencedAssemblies())
            {
                if (seen.Contains(name.Name!)) continue;
                try { pending.Push(Assembly.Load(name)); }
                catch (FileNotFoundException) { /* referenced but never needed at run time */ }
            }
        }
        return result.ToArray();
    });

    /// <summary>Uploads what the cluster lacks; completes at once when everything is there already.</summary>
    public Task Upload(IEnumerable<ShippedAssembly> assemblies)
    {
        List<Task>? pending = null;
        foreach (var assembly in assemblies)
        {
            if (assembly.Bytes is null) continue; // silos have it
            var upload = _uploads.GetOrAdd(assembly.Reference.ContentHash!, static (_, a) => new Lazy<Task>(() => a.Uploader.UploadAsync(a.Assembly)), (Uploader: this, Assembly: assembly)).Value;
            if (!upload.IsCompletedSuccessfully) (pending ??= []).Add(upload);
        }
        return pending is null ? Task.CompletedTask : Task.WhenAll(pending);
    }

    /// <summary>
    /// Forgets which assemblies were uploaded: each is checked again (and sent again if the cluster
    /// lost it) on its next use. Called when a silo leaves.
    /// </summary>
    public void ForgetUploads()
    {
        foreach (var (hash, upload) in _uploads)
            if (upload.IsValueCreated && upload.Value.IsCompleted) _uploads.TryRemove(new KeyValuePair<string, Lazy<Task>>(hash, upload));
    }

    private async Task UploadAsync(ShippedAssembly assembly)
    {
        var store = grains.GetGrain<IAssemblyStoreGrain>(assembly.Reference.ContentHash!);
        try
        {
            if (!await store.ContainsAsync().ConfigureAwait(false)) await store.UploadAsync(assembly.Bytes!).ConfigureAwait(false);
        }
        catch
        {
            _uploads.TryRemove(assembly.Reference.ContentHash!, out _);
            throw;
        }
    }
}
