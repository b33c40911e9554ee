using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

// The map overloads: one to four sequences, plain or async functions, values or items with errors
// in place, each as a triad (XxxAsync, Xxx, XxxSync). All of them go to Mapped and MappedItems
// (DirectView.IMap.cs has the lazy forms).
public sealed partial class DirectView
{
    /// <summary>Applies <paramref name="function"/> to every item; results in input order.</summary>
    public AsyncMapResult<TResult> MapAsync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items) => Mapped<TResult>(function, MapInput.Of(items));

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T, TResult>(Func<T, TResult> function, IEnumerable<T> items) => Blocking(MapAsync(function, items));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items) => MapAsync(function, items).Get();

    /// <summary>Applies <paramref name="function"/> to every item, with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items) => MappedItems<TResult>(function, MapInput.Of(items));

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T, TResult>(Func<T, TResult> function, IEnumerable<T> items) => Blocking(MapItemsAsync(function, items));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T, TResult>(Func<T, TResult> function, IEnumerable<T> items) => MapItemsAsync(function, items).Get();

    /// <summary>Applies <paramref name="function"/> to every item; results in input order. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<TResult> MapAsync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items) => Mapped<TResult>(function, MapInput.Of(items));

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items) => Blocking(MapAsync(function, items));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items) => MapAsync(function, items).Get();

    /// <summary>Applies <paramref name="function"/> to every item, with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items) => MappedItems<TResult>(function, MapInput.Of(items));

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items) => Blocking(MapItemsAsync(function, items));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T, TResult>(Func<T, Task<TResult>> function, IEnumerable<T> items) => MapItemsAsync(function, items).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 2 sequences (cut to the shortest, as Python's map); results in input order.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second) => Mapped<TResult>(function, MapInput.Of(first, second));

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second) => Blocking(MapAsync(function, first, second));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second) => MapAsync(function, first, second).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 2 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second) => MappedItems<TResult>(function, MapInput.Of(first, second));

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second) => Blocking(MapItemsAsync(function, first, second));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second) => MapItemsAsync(function, first, second).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 2 sequences (cut to the shortest, as Python's map); results in input order. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second) => Mapped<TResult>(function, MapInput.Of(first, second));

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second) => Blocking(MapAsync(function, first, second));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second) => MapAsync(function, first, second).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 2 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second) => MappedItems<TResult>(function, MapInput.Of(first, second));

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second) => Blocking(MapItemsAsync(function, first, second));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, TResult>(Func<T1, T2, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second) => MapItemsAsync(function, first, second).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 3 sequences (cut to the shortest, as Python's map); results in input order.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => Mapped<TResult>(function, MapInput.Of(first, second, third));

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => Blocking(MapAsync(function, first, second, third));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => MapAsync(function, first, second, third).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 3 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => MappedItems<TResult>(function, MapInput.Of(first, second, third));

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => Blocking(MapItemsAsync(function, first, second, third));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => MapItemsAsync(function, first, second, third).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 3 sequences (cut to the shortest, as Python's map); results in input order. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => Mapped<TResult>(function, MapInput.Of(first, second, third));

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => Blocking(MapAsync(function, first, second, third));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => MapAsync(function, first, second, third).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 3 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => MappedItems<TResult>(function, MapInput.Of(first, second, third));

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => Blocking(MapItemsAsync(function, first, second, third));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third) => MapItemsAsync(function, first, second, third).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 4 sequences (cut to the shortest, as Python's map); results in input order.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => Mapped<TResult>(function, MapInput.Of(first, second, third, fourth));

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => Blocking(MapAsync(function, first, second, third, fourth));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => MapAsync(function, first, second, third, fourth).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 4 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => MappedItems<TResult>(function, MapInput.Of(first, second, third, fourth));

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => Blocking(MapItemsAsync(function, first, second, third, fourth));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, TResult> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => MapItemsAsync(function, first, second, third, fourth).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 4 sequences (cut to the shortest, as Python's map); results in input order. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<TResult> MapAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => Mapped<TResult>(function, MapInput.Of(first, second, third, fourth));

    /// <summary>MapAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<TResult> Map<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => Blocking(MapAsync(function, first, second, third, fourth));

    /// <summary>MapAsync, waiting for the values.</summary>
    public IReadOnlyList<TResult> MapSync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => MapAsync(function, first, second, third, fourth).Get();

    /// <summary>Applies <paramref name="function"/> to items taken in step from 4 sequences (cut to the shortest, as Python's map), with errors in place (ipyparallel's <c>return_exceptions=True</c>): an item whose call raised yields its error as a <see cref="MapItem{T}"/>, and the others keep their values. The function may be async: its task is awaited on the engine.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItemsAsync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => MappedItems<TResult>(function, MapInput.Of(first, second, third, fourth));

    /// <summary>MapItemsAsync, waiting for the result first when <see cref="Block"/> is set.</summary>
    public AsyncMapResult<MapItem<TResult>> MapItems<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => Blocking(MapItemsAsync(function, first, second, third, fourth));

    /// <summary>MapItemsAsync, waiting for the values.</summary>
    public IReadOnlyList<MapItem<TResult>> MapItemsSync<T1, T2, T3, T4, TResult>(Func<T1, T2, T3, T4, Task<TResult>> function, IEnumerable<T1> first, IEnumerable<T2> second, IEnumerable<T3> third, IEnumerable<T4> fourth) => MapItemsAsync(function, first, second, third, fourth).Get();
}
