using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Parallel.Grains.Checkpoints;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Grains.Isolation.Parent;
using Orleans.Parallel.Grains.Isolation.Protocol;

namespace Orleans.Parallel.Grains.Isolation;

/// <summary>
/// The silo's engine processes, when its engines are isolated (<see cref="EngineIsolation.Process"/>):
/// starts them, keeps one started and idle for the next engine that needs one (a process takes half
/// a second to start, and an interrupted engine should not wait for that), and answers what they
/// ask of the cluster. Each engine grain owns the process it took.
/// </summary>
public sealed partial class EngineProcesses : IDisposable
{
    private readonly EngineProcessOptions _options;
    private readonly Orleans.Serialization.Serializer _serializer;
    private readonly IAssemblySource _assemblies;
    private readonly ICheckpointStore _checkpoints;
    private readonly ILogger<EngineProcesses> _logger;
    private readonly long _arrivesFrom;
    private readonly int _maxMessage; // the silo's: a process fails a result over it before sending it
    private readonly Lazy<(string Folder, string Program, string RuntimeConfig)> _setup;
    private readonly Lock _gate = new();
    private Task<ChildProcess>? _spare;
    private int _started;
    private bool _disposed;
    private bool _warm; // WarmUp was asked: spares started from now on warm up once ready

    public EngineProcesses(IOptions<EngineProcessOptions> options, Orleans.Serialization.Serializer serializer,
        IAssemblySource assemblies, ICheckpointStore checkpoints, Hub.TaskRecorder recorder, IOptions<Orleans.Configuration.MessagingOptions> messaging,
        ILogger<EngineProcesses> logger)
    {
        _maxMessage = messaging.Value.MaxMessageBodySize;
        // A result the task records copy is sent once whole anyway (the reply waits for the copy): only
        // larger ones are worth handing over while their bytes still arrive.
        _arrivesFrom = recorder.KeptBulkBytes == long.MaxValue ? long.MaxValue : recorder.KeptBulkBytes + 1;
        _options = options.Value;
        _serializer = serializer;
        _assemblies = assemblies;
        _checkpoints = checkpoints;
        _logger = logger;
        _setup = new Lazy<(string, string, string)>(Setup);
    }

    /// <summary>Whether this silo's engines run in processes of their own.</summary>
    public bool Enabled => _options.Isolation == EngineIsolation.Process;

    /// <summary>A started engine process for an engine to own; another starts meanwhile for the next.</summary>
    internal async Task<ChildProcess> TakeAsync()
    {
        Task<ChildProcess>? spare;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            spare = _spare;
            _spare = null;
        }
        ChildProcess? child = null;
        if (spare is not null)
        {
            try
            {
                child = await spare;
                if (child.Exited.IsCompleted) child = null; // it died idle: start another
            }
            catch (Exception e) when (e is not OutOfMemoryException) { LogSpareFailed(_logger, e); }
        }
        child ??= await StartAsync();
        lock (_gate)
        {
            if (!_disposed) _spare ??= StartSpareAsync();
        }
        return child;
    }

    /// <summary>Starts one process and waits until it answers.</summary>
    private async Task<ChildProcess> StartAsync()
    {
        var (folder, program, runtimeConfig) = _setup.Value;
        var socketPath = Path.Combine(folder, $"e{Interlocked.Increment(ref _started)}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(2);
        Process process;
        try
        {
            process = Process.Start(ChildLaunch.Command(program, runtimeConfig, socketPath, _maxMessage))
                ?? throw new InvalidOperationException("The engine process did not start.");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            File.Delete(socketPath);
            throw new InvalidOperationException($"Could not start an engine process ({program}): {e.Message}", e);
        }
        ChildProcess? child = null;
        try
        {
            using var timeout = new CancellationTokenSource(_options.StartTimeout);
            var exited = process.WaitForExitAsync(timeout.Token);
            // The process connects twice, in order: its task connection, then its control connection.
            var tasks = await AcceptAsync(listener, process, exited, timeout.Token);
            var control = await AcceptAsync(listener, process, exited, timeout.Token);
            child = new ChildProcess(process, tasks, control, _serializer, AnswerAsync, _options.TaskCpuLimit, _arrivesFrom, _logger);
            await child.Ready.WaitAsync(_options.StartTimeout);
            return child;
        }
        catch
        {
            if (child is not null) child.Dispose();
            else
            {
                try { ProcessTree.Kill(process); }
                catch (InvalidOperationException) { }
            }
            throw;
        }
        finally
        {
            File.Delete(socketPath); // connected (or failed): the name is not needed any more
        }
    }

    /// <summary>
    /// Has the spare process compile a first script in the background, and every spare after it once
    /// ready: an engine restarted after an interrupt or a crash then answers its first Execute at once
    /// instead of compiling Roslyn for seconds. Asked by the silo once its engines are up, as it warms
    /// its own compiler for in-process engines. The engines' own processes compile on their first
    /// Execute: warming every process at once would take the silo's start (and its clients' connections)
    /// several cores' worth of seconds on a small machine.
    /// </summary>
    public void WarmUp()
    {
        Task<ChildProcess>? spare;
        lock (_gate)
        {
            _warm = true;
            spare = _spare;
        }
        spare?.ContinueWith(t => t.Result.WarmUp(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    private async Task<ChildProcess> StartSpareAsync()
    {
        var spare = await StartAsync();
        bool warm;
        lock (_gate) warm = _warm;
        if (warm) spare.WarmUp();
        return spare;
    }

    private async Task<Socket> AcceptAsync(Socket listener, Process process, Task exited, CancellationToken timeout)
    {
        var accepting = listener.AcceptAsync(timeout).AsTask();
        if (await Task.WhenAny(accepting, exited) == accepting && accepting.IsCompletedSuccessfully) return accepting.Result;
        var stderr = process.HasExited ? await process.StandardError.ReadToEndAsync(CancellationToken.None) : "";
        throw new InvalidOperationException(process.HasExited
            ? $"The engine process exited with code {process.ExitCode} before it connected: {stderr.Trim()}"
            : $"The engine process did not connect within {_options.StartTimeout.TotalSeconds:0} s.");
    }

    /// <summary>What an engine process asks of the cluster.</summary>
    private async Task<object?> AnswerAsync(ParentCall call) => call switch
    {
        FetchAssemblyCall fetch => await _assemblies.GetAsync(fetch.ContentHash),
        SaveCheckpointCall save => await _checkpoints.SaveAsync(save.Checkpoint),
        GetCheckpointCall get => await _checkpoints.GetAsync(get.EngineId),
        _ => throw new NotSupportedException($"An engine process cannot ask for {call.GetType().Name}."),
    };

    /// <summary>Once per silo: a private folder for the sockets, the program, and the processes' runtimeconfig.</summary>
    private (string, string, string) Setup()
    {
        var program = ChildLaunch.FindProgram(_options.Program);
        var folder = Path.Combine(Path.GetTempPath(), $"op-engines-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (folder, program, ChildLaunch.WriteRuntimeConfig(folder, _options.MemoryLimit));
    }

    /// <summary>Kills the idle process and removes the folder; engines kill their own processes as they stop.</summary>
    public void Dispose()
    {
        Task<ChildProcess>? spare;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            spare = _spare;
            _spare = null;
        }
        if (spare is not null)
            _ = spare.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        if (_setup.IsValueCreated)
        {
            try { Directory.Delete(_setup.Value.Folder, recursive: true); }
            catch (IOException) { }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The idle engine process could not be used; starting another")]
    private static partial void LogSpareFailed(ILogger logger, Exception exception);
}
