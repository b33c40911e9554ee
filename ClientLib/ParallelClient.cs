using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Parallel.Connection;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Functions;
using Orleans.Parallel.Results;
using Orleans.Parallel.Security;
using Orleans.Parallel.Views;
using Orleans.Runtime;
using Orleans.Streams;

namespace Orleans.Parallel;

/// <summary>
/// A connection to an Orleans.Parallel cluster: knows the engines (<see cref="Ids"/>) and hands out
/// views over them (<c>rc[0]</c>, <c>rc[..]</c>, <see cref="DirectView"/>).
/// </summary>
public sealed partial class ParallelClient : IAsyncDisposable
{
    private readonly IHost? _ownedHost;
    private readonly IClusterClient _cluster;
    private readonly EngineDirectoryCache _directory;
    private int _disposed;

    private ParallelClient(IClusterClient cluster, IHost? ownedHost)
    {
        _ownedHost = ownedHost;
        _cluster = cluster;
        Grains = cluster;
        SessionId = Guid.NewGuid();
        // The bulk port is secured as the Orleans connections are: the host's own client (or silo) says how.
        ConnectionSecurity = cluster.ServiceProvider.GetService<ClusterSecurity>()
            ?? throw new InvalidOperationException(
                "This Orleans client was built without saying how it is secured: call clientBuilder.UseClusterSecurity(ClusterSecurity.Secure(credential)) " +
                "(or, for a silo started with --insecure, ClusterSecurity.Insecure) where the client is configured, or, in a silo, siloBuilder.UseClusterSecurity(...).");
        Bulk = new BulkClient(ConnectionSecurity.Credential);
        Dispatcher = new TaskDispatcher(cluster, SessionId, Bulk);
        Shipper = new FunctionShipper(cluster, cluster.ServiceProvider.GetRequiredService<Orleans.Serialization.Serializer>());
        _directory = new EngineDirectoryCache(cluster);
        Balanced = new BalancedSubmitter(cluster, Dispatcher,
            () => Ids.Select(id => _directory.TryGet(id, out var e) ? e : null).OfType<IEngineGrain>().ToArray());
    }

    /// <summary>
    /// Connects to a cluster. With no options: the one whose connection file is this user's default
    /// (cluster "dev", written by a silo started with default settings; <see cref="ParallelClientOptions.FromConnectionFile"/>),
    /// or, if there is none, a gateway on this machine at port 30000.
    /// </summary>
    /// <exception cref="ClusterCredentialException">No cluster credential was given or found, or the gateways refused it (within seconds, not the connect timeout); the message says where the connection file lives.</exception>
    /// <exception cref="ClusterUnreachableException">No gateway at the addresses given (each refused the connection, did not answer, or is a silo-to-silo port), or the Redis server of the membership table refused.</exception>
    /// <exception cref="TimeoutException">Something accepted the connection but no gateway answered within <see cref="ParallelClientOptions.ConnectTimeout"/>.</exception>
    public static async Task<ParallelClient> ConnectAsync(ParallelClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= File.Exists(ConnectionFile.DefaultPath("dev")) ? ParallelClientOptions.FromConnectionFile() : new ParallelClientOptions();
        var client = Prepare(options);
        try
        {
            await client.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false); // never connected: frees its host and bulk client
            throw;
        }
        return client;
    }

    /// <summary>
    /// A client for <paramref name="options"/>, not connected yet (<see cref="OpenAsync"/> connects it):
    /// the options are checked and the credential found now, but nothing is sent. A host's services
    /// can hold it before the host starts (<c>AddParallelClient</c>).
    /// </summary>
    internal static ParallelClient Prepare(ParallelClientOptions options)
    {
        DynamicCodeCheck.ThrowIfUnsupported();
        options.Validate();
        var security = options.ResolveSecurity();
        var host = BuildHost(options, security);
        return new ParallelClient(host.Services.GetRequiredService<IClusterClient>(), host) { _connect = (options, security) };
    }

    /// <summary>What <see cref="OpenAsync"/> connects with (a prepared client's options and their security).</summary>
    private (ParallelClientOptions Options, ClusterSecurity Security)? _connect;

    /// <summary>
    /// Connects a prepared client: checks the gateways and the credential, starts its Orleans client and
    /// starts following the engines. On failure the caller disposes the host.
    /// </summary>
    internal async Task OpenAsync(CancellationToken cancellationToken)
    {
        var (options, security) = _connect ?? throw new InvalidOperationException("This client was not prepared from options.");
        var host = _ownedHost!;
        // Gateways given by address can be checked at once, the credential with them; a Redis or Azure client learns them from the table.
        using var accepted = options.Clustering == ClusterMembership.Localhost
            ? await GatewayProbe.CheckAsync(options, security, cancellationToken).ConfigureAwait(false)
            : null;
        if (options.Clustering == ClusterMembership.Redis) await RedisTableProbe.CheckAsync(options, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var start = host.StartAsync(timeout.Token);
        // Orleans would retry a silo-to-silo port's rejection until the timeout; the probe's open
        // connections show one within milliseconds, so the wait is cut short.
        var siloPortWatch = accepted?.AllSiloPortsAsync(timeout.Token);
        if (siloPortWatch is not null && await Task.WhenAny(start, siloPortWatch).ConfigureAwait(false) == siloPortWatch
            && await siloPortWatch.ConfigureAwait(false) is { } siloPorts)
        {
            await timeout.CancelAsync().ConfigureAwait(false);
            try
            {
                await start.ConfigureAwait(false);
            }
            catch (Exception) when (timeout.IsCancellationRequested)
            {
                // The start was cancelled above: how it ended says nothing more.
            }
            throw new ClusterUnreachableException(ConnectAdvice.NoGateway(options, [.. accepted!.Failed, .. siloPorts], siloPortFound: true));
        }
        try
        {
            await start.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var refusal = host.Services.GetRequiredService<CredentialRetryFilter>().Refusal;
            if (refusal is not null) throw new ClusterCredentialException(ConnectAdvice.CredentialRefused(options, [refusal]), e);
            if (e is OperationCanceledException or Orleans.Runtime.OrleansException or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
                throw new TimeoutException(ConnectAdvice.TimedOut(options), e);
            throw;
        }
        _connect = null;
        await InitializeAsync().ConfigureAwait(false);
    }

    /// <summary>The Orleans client's host (not started) for <paramref name="options"/>.</summary>
    private static IHost BuildHost(ParallelClientOptions options, ClusterSecurity security)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The Orleans client's logs go where the app's go, and nowhere unless the app asks: its
        // retry warnings, with stack traces, are not for the user's console.
        if (options.LoggerFactory is { } logs) builder.Services.AddSingleton(logs);
        builder.UseOrleansClient(client =>
        {
            var gateways = options.Gateways().Select(g => new IPEndPoint(Dns.GetHostAddresses(g.Host).First(), g.Port)).ToArray();
            ClusterMembership.Configure(client, options, gateways);
            client.Services.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
            client.AddMemoryStreams(OutputStreams.Provider); // live output of running tasks
            client.UseClusterSecurity(security);
            client.AddActivityPropagation(); // Orleans' spans of the client's calls join its tasks' traces (ParallelTelemetry)
            // A refused credential ends the start at once; other failures retry each second until ConnectTimeout.
            client.Services.AddSingleton(sp => new CredentialRetryFilter(sp.GetRequiredService<Orleans.Messaging.IGatewayListProvider>(), security));
            client.Services.AddSingleton<IClientConnectionRetryFilter>(sp => sp.GetRequiredService<CredentialRetryFilter>());
            // Hears of a lost gateway, so the tasks of a silo that died fail in seconds (SiloLoss).
            client.AddClusterConnectionStatusObserver(new GatewayLossWatch(options.GatewayLossGrace));
        });
        return builder.Build();
    }

    /// <summary>
    /// Wraps an Orleans client that is already connected (for hosts that run their own Orleans client or
    /// silo). On a silo with engines, grains need not: they inject the silo's own <see cref="ParallelClient"/>.
    /// </summary>
    public static async Task<ParallelClient> FromClusterClientAsync(IClusterClient cluster)
    {
        DynamicCodeCheck.ThrowIfUnsupported();
        var client = new ParallelClient(cluster ?? throw new ArgumentNullException(nameof(cluster)), ownedHost: null);
        // Off any grain's scheduler: Orleans lets no grain create the observers replies arrive on.
        await Task.Run(client.InitializeAsync).ConfigureAwait(false);
        return client;
    }

    /// <summary>Once the Orleans client is connected: starts taking replies, following the engines and receiving live output.</summary>
    private async Task InitializeAsync()
    {
        Dispatcher.Attach();
        _directory.Changed += change =>
        {
            if (change.Removed.Count > 0)
            {
                Dispatcher.FailEnginesGone(change.Ids.ToHashSet());
                // A silo left: what it held of the assembly store may be gone (memory storage), so
                // the next call checks its uploads again rather than trust what it sent before.
                Shipper.Uploader.ForgetUploads();
            }
            EnginesChanged?.Invoke(this, change);
        };
        _directory.Replaced += Dispatcher.ResetChannels;
        if (_cluster.ServiceProvider.GetServices<IClusterConnectionStatusObserver>().OfType<GatewayLossWatch>().FirstOrDefault() is { } watch)
            watch.Lost = remaining => SiloLoss.FailLostTasksAsync(Dispatcher, SiloOf, BulkOf, remaining, watch.Grace);
        await _directory.StartAsync().ConfigureAwait(false);
        await SubscribeToOutputAsync(_cluster).ConfigureAwait(false);
        _opened = true;
    }

    /// <summary>Whether the client is connected and following the engines (a prepared client is not, until <see cref="OpenAsync"/>).</summary>
    private volatile bool _opened;

    private StreamSubscriptionHandle<OutputChunk>? _output;

    /// <summary>
    /// Receives the live output of this session's running tasks, if the Orleans client has the output
    /// stream provider (<see cref="ConnectAsync"/> adds it; a host's own client needs
    /// <c>AddMemoryStreams(OutputStreams.Provider)</c>). Without it, output arrives with each reply.
    /// </summary>
    private async Task SubscribeToOutputAsync(IClusterClient cluster)
    {
        if (cluster.ServiceProvider.GetKeyedService<IStreamProvider>(OutputStreams.Provider) is not { } streams) return;
        var stream = streams.GetStream<OutputChunk>(StreamId.Create(OutputStreams.Namespace, SessionId));
        _output = await stream.SubscribeAsync((chunk, _) => Dispatcher.OnOutputAsync(chunk)).ConfigureAwait(false);
    }

    /// <summary>Whether running tasks' output streams to this client while they run (see <see cref="Results.AsyncResult.Output"/>).</summary>
    public bool LiveOutput => _output is not null;

    internal IGrainFactory Grains { get; }

    /// <summary>How this client's connections are secured (the bulk port's too).</summary>
    internal ClusterSecurity ConnectionSecurity { get; }
    internal TaskDispatcher Dispatcher { get; }

    /// <summary>Sends load-balanced tasks to the scheduler.</summary>
    internal BalancedSubmitter Balanced { get; }

    /// <summary>Connections to the silos' bulk listeners, for large arrays.</summary>
    internal BulkClient Bulk { get; }

    /// <summary>The bulk endpoint of an engine's silo (null if the engine is unknown).</summary>
    internal Bulk.BulkEndpoint? BulkOf(int engineId) => _directory.BulkOf(engineId);

    /// <summary>The parsable address of an engine's silo ("" when unknown).</summary>
    internal string SiloOf(int engineId) => _directory.SiloOf(engineId);
    internal FunctionShipper Shipper { get; }

    /// <summary>This client's session: the code it uploads is loaded on engines for this session only.</summary>
    public Guid SessionId { get; }

    /// <summary>The ids of the live engines, sorted; refreshed in the background.</summary>
    public IReadOnlyList<int> Ids => _directory.Ids;

    /// <summary>
    /// Raised when engines come or go, with which did. The cluster pushes each change, so
    /// <see cref="Ids"/> follows within a message's time; raised on a thread-pool thread.
    /// </summary>
    public event EventHandler<EnginesChangedEventArgs>? EnginesChanged;

    /// <summary>Waits until at least <paramref name="count"/> engines are registered.</summary>
    /// <exception cref="TimeoutException">Fewer engines arrived within <paramref name="timeout"/>.</exception>
    public async Task WaitForEnginesAsync(int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var wait = Timeouts.Check(timeout);
        var deadline = wait < 0 ? DateTime.MaxValue : DateTime.UtcNow.AddMilliseconds(wait);
        await _directory.RefreshAsync().ConfigureAwait(false);
        while (true)
        {
            var change = _directory.NextChange; // taken before the check, so a change in between is not missed
            if (Ids.Count >= count) return;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"Only {Ids.Count} of {count} engines registered within {timeout}.");
            // Woken by the registry's push; a one-second look of its own covers a push that was lost.
            var wake = left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
            try { await change.WaitAsync(wake, cancellationToken).ConfigureAwait(false); }
            catch (TimeoutException) { await _directory.RefreshAsync().ConfigureAwait(false); }
        }
    }

    /// <summary>A view of one engine; its results are single values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No engine has that id.</exception>
    public EngineView this[int engineId] => new(this, CheckId(engineId));

    /// <summary>A view of one engine by position in <see cref="Ids"/> (<c>rc[^1]</c> is the last).</summary>
    public EngineView this[Index position]
    {
        get
        {
            var ids = Ids;
            var offset = position.GetOffset(ids.Count);
            if (offset < 0 || offset >= ids.Count)
                throw new ArgumentOutOfRangeException(nameof(position), position,
                    $"No engine at position {position}; there are {ids.Count} engines [{Registry.EngineIdRanges.Format(ids)}].");
            return new EngineView(this, ids[offset]);
        }
    }

    /// <summary>A view of the engines at these positions of <see cref="Ids"/>, resolved at each call (<c>rc[..]</c> is every engine).</summary>
    public DirectView this[Range positions] => new(this, new ViewTargets(positions));

    /// <summary>A view of these engines; results are lists in this order.</summary>
    public DirectView this[IEnumerable<int> engineIds] => new(this, new ViewTargets(CheckIds(engineIds)));

    /// <summary>A view of every engine, re-read at each call.</summary>
    public DirectView DirectView() => new(this, new ViewTargets(Range.All));

    /// <summary>
    /// A load-balanced view: each task goes to whichever engine the scheduler picks (by its scheme:
    /// leastload by default), among <paramref name="engineIds"/> or, when null, every engine at the
    /// time the task is scheduled.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id names no engine.</exception>
    public LoadBalancedView LoadBalancedView(IEnumerable<int>? engineIds = null) =>
        new(this, engineIds is null ? null : CheckIds(engineIds));

    /// <summary>
    /// The bulk endpoint a load-balanced task can use for its large arrays: the one silo that every
    /// engine it may run on lives on, else none (its arrays then travel inside the message).
    /// </summary>
    internal Bulk.BulkEndpoint? CommonBulk(IReadOnlyList<int>? engineIds)
    {
        if (engineIds is null) return _directory.CommonBulkOfAll; // every call of a view over all engines asks
        Bulk.BulkEndpoint? common = null;
        for (var i = 0; i < engineIds.Count; i++)
        {
            var endpoint = _directory.BulkOf(engineIds[i]);
            if (endpoint is null || (i > 0 && !endpoint.Equals(common))) return null;
            common = endpoint;
        }
        return common;
    }

    /// <summary>Waits for every task this client has outstanding; false if some are still running at the timeout.</summary>
    public Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForAsync(Dispatcher.Outstanding.ToArray(), timeout, cancellationToken);

    internal static async Task<bool> WaitForAsync(IReadOnlyList<PendingMessage> messages, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var wait = Timeouts.Check(timeout);
        if (messages.Count == 0) return true;
        try
        {
            await Task.WhenAll(messages.Select(m => m.Reply)).WaitAsync(TimeSpan.FromMilliseconds(wait), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Throws once the client is disposed: nothing can be sent or answered any more.</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);

    internal IEngineGrain Engine(int engineId) =>
        _directory.TryGet(engineId, out var engine) ? engine : throw UnknownEngine(engineId);

    /// <summary>
    /// An id that is not live: an engine that left (it stopped or its silo died; never quietly made
    /// again with an empty namespace) is an <see cref="EngineException"/>, an id never seen an argument error.
    /// </summary>
    private Exception UnknownEngine(int engineId) => _directory.HasLeft(engineId)
        ? new EngineException(engineId, $"Engine {engineId} has left the cluster (it stopped, or its silo died) and its namespace is gone; the live engines are [{string.Join(", ", Ids)}].")
        : new ArgumentOutOfRangeException("engineId", engineId, $"No engine has id {engineId}; the live engines are [{string.Join(", ", Ids)}].");

    /// <summary>
    /// Aborts open messages: this client's load-balanced tasks at their hold or queue, every other task
    /// on its engine (another client's load-balanced task too, once its record names the engine).
    /// </summary>
    internal async Task AbortAsync(IEnumerable<PendingMessage> messages)
    {
        var open = messages.Where(m => !m.IsDone).ToArray();
        bool Ours(PendingMessage m) => Dispatcher.TryGetOutstanding(m.MsgId, out var own) && ReferenceEquals(own, m);
        var balanced = Balanced.AbortAsync(open.Where(m => m.LoadBalanced && Ours(m)));
        var byEngine = open.Where(m => (!m.LoadBalanced || !Ours(m)) && m.EngineId >= 0).GroupBy(m => m.EngineId);
        await Task.WhenAll(byEngine.Select(g =>
            _directory.TryGet(g.Key, out var engine) ? engine.AbortAsync(g.Select(m => m.MsgId).ToArray()) : Task.FromResult(0)))
            .ConfigureAwait(false);
        await balanced.ConfigureAwait(false);
    }

    internal int CheckId(int engineId)
    {
        if (!_directory.TryGet(engineId, out _)) throw UnknownEngine(engineId);
        return engineId;
    }

    private int[] CheckIds(IEnumerable<int> engineIds)
    {
        ArgumentNullException.ThrowIfNull(engineIds);
        var ids = engineIds.ToArray();
        if (ids.Length == 0) throw new ArgumentException("A view needs at least one engine id; this list is empty.", nameof(engineIds));
        foreach (var id in ids) CheckId(id);
        return ids;
    }


    /// <summary>Ends the session (engines forget its code) and disconnects.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (!_opened)
        {
            // Prepared and never connected (its host never started, or failed to): nothing to end.
            await _directory.DisposeAsync().ConfigureAwait(false);
            Bulk.Dispose();
            _ownedHost?.Dispose();
            return;
        }
        await _directory.DisposeAsync().ConfigureAwait(false);
        await Balanced.DisposeAsync().ConfigureAwait(false);
        // A client that never sent a task (a silo's own, unused) has no session on any engine to end:
        // asking every engine would only slow the silo's stop.
        if (Dispatcher.EverTracked) await EndSessionAsync().ConfigureAwait(false);
        try
        {
            if (_output is not null) await _output.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: a stream that cannot be reached keeps no subscriber alive for long.
        }
        Dispatcher.FailAll(m => new ObjectDisposedException(nameof(ParallelClient),
            $"The client was disposed before task {m.MsgId} ended. A task that was already running goes on (its waiting tasks were aborted); " +
            $"a new client reads its outcome with GetResultAsync({m.MsgId})."));
        Dispatcher.Detach();
        Bulk.Dispose();
        if (_ownedHost is not null)
        {
            await _ownedHost.StopAsync().ConfigureAwait(false);
            _ownedHost.Dispose();
        }
    }

    /// <summary>Aborts this session's queued load-balanced tasks and asks every engine to forget the session's code.</summary>
    private async Task EndSessionAsync()
    {
        try
        {
            // Queued load-balanced tasks would otherwise run for a session that is gone.
            await AbortAsync(Dispatcher.Outstanding.Where(m => m.LoadBalanced).ToArray()).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort, like ending the session below.
        }
        try
        {
            var engines = Ids.Select(id => _directory.TryGet(id, out var e) ? e : null).OfType<IEngineGrain>();
            await Task.WhenAll(engines.Select(e => e.EndSessionAsync(SessionId))).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: an engine that cannot be reached has nothing of this session left to free.
        }
    }
}
