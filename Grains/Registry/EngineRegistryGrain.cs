using Microsoft.Extensions.Logging;
using Orleans.Parallel.Registry;
using Orleans.Runtime;
using Orleans.Utilities;

namespace Orleans.Parallel.Grains.Registry;

/// <summary>
/// The cluster's engine list. Ids come from a counter, so a dead engine's id never returns. The list
/// and the counter are written to <see cref="DurableStorage"/> on every change: if this grain's silo
/// dies, its next activation (on a survivor) reads them back, drops the engines of silos that died,
/// and carries on with the same epoch and versions, so clients see one continuous list.
/// </summary>
[KeepAlive]
public sealed partial class EngineRegistryGrain(
    [PersistentState("engines", DurableStorage.Name)] IPersistentState<RegistryState> stored,
    IClusterMembershipService membership,
    ILogger<EngineRegistryGrain> logger) : Grain, IEngineRegistryGrain
{
    private readonly ObserverManager<IEngineDirectoryObserver> _observers = new(IEngineRegistryGrain.SubscriptionLifetime, logger);
    private readonly SortedDictionary<int, EngineEntry> _engines = new();
    private EngineDirectory? _snapshot;
    private bool _fresh; // started without a stored list: engines that silos still run are listed again as they report

    private RegistryState State => stored.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var active = Silos(SiloStatus.Active);
        if (State.Epoch == Guid.Empty || !State.Silos.Any(active.Contains))
        {
            // Never written, or written by a cluster none of whose silos is still up: a new cluster
            // (the storage outlives clusters that share its service id), whose ids start at 0.
            stored.State = new RegistryState { Epoch = Guid.NewGuid() };
            _fresh = true;
            return;
        }
        foreach (var entry in State.Engines) _engines[entry.EngineId] = entry;
        var lost = RemoveEnginesOf(Silos(SiloStatus.Dead)); // silos that died while no registry was active
        LogRecovered(logger, _engines.Count, lost, State.NextId);
        if (lost > 0) await ChangedAsync();
    }

    public async Task<int> ReserveIdsAsync(int count, string siloAddress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var first = State.NextId;
        State.NextId += count;
        State.Reserved.Add(new ReservedIds(first, count, siloAddress));
        await ChangedAsync(); // the counter is stored before any of these ids is used
        return first;
    }

    public async Task ListAsync(IReadOnlyList<EngineEntry> engines)
    {
        foreach (var entry in engines)
        {
            if (!State.Reserved.Any(r => r.Holds(entry.EngineId) && r.SiloAddress == entry.SiloAddress))
                throw new ArgumentException($"Engine id {entry.EngineId} was not reserved for silo {entry.SiloAddress}; reserve ids first (ReserveIdsAsync).", nameof(engines));
            if (_engines.ContainsKey(entry.EngineId))
                throw new ArgumentException($"Engine id {entry.EngineId} is listed already.", nameof(engines));
        }
        foreach (var entry in engines) _engines[entry.EngineId] = entry;
        // A silo lists the engines of a reservation together: the reservation ends, and an id in it
        // whose engine did not start counts as one that left.
        State.Reserved.RemoveAll(r => engines.Any(e => r.Holds(e.EngineId)));
        await ChangedAsync();
    }

    public async Task ReplaceAsync(EngineEntry engine, Guid? replacing)
    {
        var id = engine.EngineId;
        if (id < 0 || id >= State.NextId)
            throw new ArgumentOutOfRangeException(nameof(engine), id, $"No engine ever had id {id}; the ids given out so far are 0..{State.NextId - 1}.");
        var listed = _engines.GetValueOrDefault(id);
        if (replacing is null && listed is not null)
            throw new InvalidOperationException($"Engine {id} is live; interrupt it (InterruptAsync) to restart it with an empty namespace.");
        if (replacing is { } old && listed?.Incarnation != old)
            throw new InvalidOperationException($"Engine {id} is no longer incarnation {old}; it was replaced or left meanwhile.");
        _engines[id] = engine;
        await ChangedAsync();
    }

    public async Task UnregisterAsync(IReadOnlyList<int> engineIds)
    {
        var removed = 0;
        foreach (var id in engineIds) if (_engines.Remove(id)) removed++;
        if (removed > 0) await ChangedAsync();
    }

    public async Task SilosDiedAsync(IReadOnlyList<string> siloAddresses)
    {
        var lost = RemoveEnginesOf(siloAddresses.ToHashSet());
        if (lost == 0) return;
        LogSiloEnginesRemoved(logger, lost, string.Join(", ", siloAddresses));
        await ChangedAsync();
    }

    public async Task EnsureAsync(IReadOnlyList<EngineEntry> engines)
    {
        // With its stored list read back, the registry knows better: an engine it does not list was
        // removed on purpose (its silo was declared dead, and Orleans stops such a silo).
        if (!_fresh) return;
        var added = 0;
        foreach (var entry in engines)
        {
            if (_engines.TryGetValue(entry.EngineId, out var known))
            {
                if (known.Incarnation != entry.Incarnation) LogIdTaken(logger, entry.EngineId, entry.Incarnation);
                continue;
            }
            _engines[entry.EngineId] = entry;
            State.NextId = Math.Max(State.NextId, entry.EngineId + 1);
            added++;
        }
        if (added > 0) await ChangedAsync();
    }

    public Task<EngineDirectory> GetEnginesAsync() =>
        Task.FromResult(_snapshot ??= new EngineDirectory(State.Version, _engines.Values.ToArray(), State.Epoch, IdsGivenOut));

    public Task<EngineDirectory> SubscribeAsync(IEngineDirectoryObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return GetEnginesAsync();
    }

    public Task UnsubscribeAsync(IEngineDirectoryObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A new version: stored (with the silos alive now, which tell a later activation whether it
    /// belongs to the same cluster), then pushed to every subscribed client (one-way: a client that is
    /// gone costs nothing). A store that cannot be written is logged, not fatal: the list in memory
    /// stays right while this activation lives.
    /// </summary>
    private async Task ChangedAsync()
    {
        State.Version++;
        State.Engines = [.. _engines.Values];
        State.Silos = [.. Silos(SiloStatus.Active)];
        var directory = new EngineDirectory(State.Version, State.Engines, State.Epoch, IdsGivenOut);
        _snapshot = directory;
        try
        {
            await stored.WriteStateAsync();
        }
        catch (Exception e)
        {
            LogWriteFailed(logger, e);
        }
        _observers.ClearExpired();
        if (_observers.Count > 0) _ = _observers.Notify(o => o.OnEnginesChangedAsync(directory)); // one-way: not waited for
    }

    /// <summary>
    /// What clients learn as the ids given out: below it, an id not listed has left. Ids reserved for
    /// engines that are still starting have not left, so the count stops at the first of them.
    /// </summary>
    private int IdsGivenOut => State.Reserved.Count == 0 ? State.NextId : State.Reserved.Min(r => r.First);

    /// <summary>The parsable addresses of the silos the membership now lists with <paramref name="status"/>.</summary>
    private HashSet<string> Silos(SiloStatus status) =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == status).Select(m => m.SiloAddress.ToParsableString()).ToHashSet();

    /// <summary>Drops the engines living on <paramref name="silos"/>; returns how many.</summary>
    private int RemoveEnginesOf(HashSet<string> silos)
    {
        State.Reserved.RemoveAll(r => silos.Contains(r.SiloAddress)); // ids a dead silo never listed are gone with it
        var lost = _engines.Values.Where(e => silos.Contains(e.SiloAddress)).Select(e => e.EngineId).ToArray();
        foreach (var id in lost) _engines.Remove(id);
        return lost.Length;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine registry re-activated: {Count} engines listed, {Lost} on dead silos dropped, next id {NextId}")]
    private static partial void LogRecovered(ILogger logger, int count, int lost, int nextId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removed {Count} engines of dead silo(s) {Silos}")]
    private static partial void LogSiloEnginesRemoved(ILogger logger, int count, string silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine {EngineId} is listed under another incarnation; incarnation {Incarnation} is not listed again")]
    private static partial void LogIdTaken(ILogger logger, int engineId, Guid incarnation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The engine registry could not write its state; it keeps the list in memory")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}

/// <summary>What the registry keeps in <see cref="DurableStorage"/>.</summary>
[GenerateSerializer, Alias("op.RegistryState")]
public sealed class RegistryState
{
    /// <summary>This cluster's registry life; versions count within it.</summary>
    [Id(0)] public Guid Epoch { get; set; }

    [Id(1)] public long Version { get; set; }

    /// <summary>The next engine id to give out.</summary>
    [Id(2)] public int NextId { get; set; }

    [Id(3)] public List<EngineEntry> Engines { get; set; } = [];

    /// <summary>The silos active at the last write (parsable addresses).</summary>
    [Id(4)] public List<string> Silos { get; set; } = [];

    /// <summary>Ids given to silos for engines they are starting and have not listed yet.</summary>
    [Id(5)] public List<ReservedIds> Reserved { get; set; } = [];
}

/// <summary>Ids <see cref="First"/> to <see cref="First"/> + <see cref="Count"/> - 1, reserved for engines starting on a silo.</summary>
[GenerateSerializer, Immutable, Alias("op.ReservedIds")]
public sealed record ReservedIds([property: Id(0)] int First, [property: Id(1)] int Count, [property: Id(2)] string SiloAddress)
{
    public bool Holds(int engineId) => engineId >= First && engineId < First + Count;
}
