using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

// The map overloads: one to four sequences, plain or async functions, values or items with errors
// in place, each as a triad (XxxAsync, Xxx, XxxSync). All of them go to Mapped and MappedItems
// (LoadBalancedView.IMap.cs has the lazy forms).
public sealed partial class LoadBalancedView
{
    /// <summary>Applies <paramref name="function"/> to every item; results in input order.</summary>
    public AsyncMapResult<TResult> MapAsync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) => Mapped<TResult>(function, MapInput.Of(items), chunkSize, ordered);

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) => Blocking(MapAsync(function, items, chunkSize, ordered));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1) => MapAsync(function, items, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to every item, with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) => MappedItems<TResult>(function, MapInput.Of(items), chunkSize, ordered);

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) => Blocking(MapItemsAsync(function, items, chunkSize, ordered));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items, int chunkSize = 1) => MapItemsAsync(function, items, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to every item; results in input order. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<TResult> MapAsync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) => Mapped<TResult>(function, MapInput.Of(items), chunkSize, ordered);

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) => Blocking(MapAsync(function, items, chunkSize, ordered));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1) => MapAsync(function, items, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to every item, with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) => MappedItems<TResult>(function, MapInput.Of(items), chunkSize, ordered);

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1, bool ordered = true) => Blocking(MapItemsAsync(function, items, chunkSize, ordered));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items, int chunkSize = 1) => MapItemsAsync(function, items, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 2 sequences (cut to the shortest, as Python's map); results in input order.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true) => Mapped<TResult>(function, MapInput.Of(first, second), chunkSize, ordered);

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true) => Blocking(MapAsync(function, first, second, chunkSize, ordered));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1) => MapAsync(function, first, second, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 2 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true) => MappedItems<TResult>(function, MapInput.Of(first, second), chunkSize, ordered);

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true) => Blocking(MapItemsAsync(function, first, second, chunkSize, ordered));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1) => MapItemsAsync(function, first, second, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 2 sequences (cut to the shortest, as Python's map); results in input order. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true) => Mapped<TResult>(function, MapInput.Of(first, second), chunkSize, ordered);

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true) => Blocking(MapAsync(function, first, second, chunkSize, ordered));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1) => MapAsync(function, first, second, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 2 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true) => MappedItems<TResult>(function, MapInput.Of(first, second), chunkSize, ordered);

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1, bool ordered = true) => Blocking(MapItemsAsync(function, first, second, chunkSize, ordered));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, int chunkSize = 1) => MapItemsAsync(function, first, second, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 3 sequences (cut to the shortest, as Python's map); results in input order.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1, bool ordered = true) => Mapped<TResult>(function, MapInput.Of(first, second, third), chunkSize, ordered);

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1, bool ordered = true) => Blocking(MapAsync(function, first, second, third, chunkSize, ordered));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1) => MapAsync(function, first, second, third, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 3 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1, bool ordered = true) => MappedItems<TResult>(function, MapInput.Of(first, second, third), chunkSize, ordered);

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1, bool ordered = true) => Blocking(MapItemsAsync(function, first, second, third, chunkSize, ordered));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1) => MapItemsAsync(function, first, second, third, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 3 sequences (cut to the shortest, as Python's map); results in input order. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1, bool ordered = true) => Mapped<TResult>(function, MapInput.Of(first, second, third), chunkSize, ordered);

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1, bool ordered = true) => Blocking(MapAsync(function, first, second, third, chunkSize, ordered));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1) => MapAsync(function, first, second, third, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 3 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1, bool ordered = true) => MappedItems<TResult>(function, MapInput.Of(first, second, third), chunkSize, ordered);

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1, bool ordered = true) => Blocking(MapItemsAsync(function, first, second, third, chunkSize, ordered));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, int chunkSize = 1) => MapItemsAsync(function, first, second, third, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 4 sequences (cut to the shortest, as Python's map); results in input order.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1, bool ordered = true) => Mapped<TResult>(function, MapInput.Of(first, second, third, fourth), chunkSize, ordered);

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1, bool ordered = true) => Blocking(MapAsync(function, first, second, third, fourth, chunkSize, ordered));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1) => MapAsync(function, first, second, third, fourth, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 4 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1, bool ordered = true) => MappedItems<TResult>(function, MapInput.Of(first, second, third, fourth), chunkSize, ordered);

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1, bool ordered = true) => Blocking(MapItemsAsync(function, first, second, third, fourth, chunkSize, ordered));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1) => MapItemsAsync(function, first, second, third, fourth, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 4 sequences (cut to the shortest, as Python's map); results in input order. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1, bool ordered = true) => Mapped<TResult>(function, MapInput.Of(first, second, third, fourth), chunkSize, ordered);

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1, bool ordered = true) => Blocking(MapAsync(function, first, second, third, fourth, chunkSize, ordered));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1) => MapAsync(function, first, second, third, fourth, chunkSize).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 4 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1, bool ordered = true) => MappedItems<TResult>(function, MapInput.Of(first, second, third, fourth), chunkSize, ordered);

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1, bool ordered = true) => Blocking(MapItemsAsync(function, first, second, third, fourth, chunkSize, ordered));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth, int chunkSize = 1) => MapItemsAsync(function, first, second, third, fourth, chunkSize).Get();
}
