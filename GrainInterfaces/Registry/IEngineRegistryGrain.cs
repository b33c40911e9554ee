using Orleans.Parallel.Security;

namespace Orleans.Parallel.Registry;

/// <summary>
/// The cluster's list of engines (one activation, key 0): assigns dense engine ids and tells
/// clients which engine grain answers to which id.
/// </summary>
[Alias("op.IEngineRegistryGrain")]
public interface IEngineRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Gives out <paramref name="count"/> consecutive new ids for engines the silo at
    /// <paramref name="siloAddress"/> (its parsable <c>SiloAddress</c>) is about to start; returns the
    /// first. Ids are never reused. The engines are listed once they run (<see cref="ListAsync"/>):
    /// a silo starting 10,000 engines makes two calls here, not 10,000 writes of a growing list.
    /// </summary>
    [SiloOnly]
    [Alias("ReserveIds")]
    Task<int> ReserveIdsAsync(int count, string siloAddress);

    /// <summary>Lists engines that started under ids reserved for their silo, in one change.</summary>
    [SiloOnly]
    [Alias("List")]
    Task ListAsync(IReadOnlyList<EngineEntry> engines);

    /// <summary>
    /// Lists <paramref name="engine"/> under an id given out before: in place of the listed
    /// incarnation <paramref name="replacing"/>, or, when that is null, of an engine that left. Throws
    /// for an id never given out, a live engine not named as replaced, or a replaced one not listed.
    /// </summary>
    [SiloOnly]
    [Alias("Replace")]
    Task ReplaceAsync(EngineEntry engine, Guid? replacing);

    /// <summary>Removes engines, in one change (a silo that shuts down removes all of its own together).</summary>
    [SiloOnly]
    [Alias("Unregister")]
    Task UnregisterAsync(IReadOnlyList<int> engineIds);

    /// <summary>
    /// Removes every engine of the silos that Orleans' membership declared dead (their parsable
    /// addresses); the engines' ids are not given out again. Every surviving silo reports each death.
    /// </summary>
    [SiloOnly]
    [Alias("SilosDied")]
    Task SilosDiedAsync(IReadOnlyList<string> siloAddresses);

    /// <summary>
    /// A silo's live engines, reported after a death in the cluster: any the registry does not list
    /// (it was re-activated and could not read its state) are listed again under their own ids.
    /// </summary>
    [SiloOnly]
    [Alias("Ensure")]
    Task EnsureAsync(IReadOnlyList<EngineEntry> engines);

    /// <summary>All live engines with a version that grows on every change.</summary>
    [Alias("GetEngines")]
    Task<EngineDirectory> GetEnginesAsync();

    /// <summary>
    /// Sends every later change to <paramref name="observer"/> and returns the list as it is now. A
    /// subscription lapses after <see cref="SubscriptionLifetime"/> unless renewed by subscribing again.
    /// </summary>
    [Alias("Subscribe")]
    Task<EngineDirectory> SubscribeAsync(IEngineDirectoryObserver observer);

    /// <summary>Stops sending changes to <paramref name="observer"/>.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IEngineDirectoryObserver observer);

    /// <summary>How long a subscription lasts without being renewed.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(5);
}
