using Orleans.Parallel.Results;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Cli;

/// <summary>
/// A real silo process with 2 engines (its connection file in the tests' OP_HOME) and tasks of every
/// kind already run on it, for the opx inspecting commands: a load-balanced apply that returns a value,
/// one that throws, a script that prints and has a value, and one that does not compile. The functions
/// are framework methods, so nothing of the test assembly has to be uploaded first.
/// </summary>
public sealed class OpxCluster : IAsyncLifetime
{
    /// <summary>The label of the load-balanced tasks.</summary>
    public const string Label = "opx-inspect";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private SiloProcess? _silo;
    private ParallelClient? _client;

    public string ClusterId { get; } = $"opx-{Guid.NewGuid():N}"[..16];

    public string ConnectionFile => Security.ConnectionFile.DefaultPath(ClusterId);

    public ParallelClient Client => _client ?? throw new InvalidOperationException("Not connected.");

    /// <summary>Balanced <c>Math.Abs(-42)</c>: ok, value 42.</summary>
    public Guid OkApply { get; private set; }

    /// <summary>Balanced <c>int.Parse("not a number")</c>: a FormatException.</summary>
    public Guid FailedApply { get; private set; }

    /// <summary>A script on engine 0 that prints a line and ends with <c>6 * 7</c>.</summary>
    public Guid PrintingScript { get; private set; }

    /// <summary>A script on engine 1 naming an unknown variable: CS0103 at line 2.</summary>
    public Guid CompileError { get; private set; }

    /// <summary>How many tasks the fixture ran.</summary>
    public int TasksSent => 4;

    /// <summary>The one silo's name, as the hub reports it.</summary>
    public string SiloName { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync(2, TimeSpan.FromSeconds(120), "--cluster-id", ClusterId);
        _client = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(ConnectionFile));
        await _client.WaitForEnginesAsync(2, Patience);

        var balanced = _client.LoadBalancedView().With(label: Label);
        var ok = balanced.ApplyAsync<int, int>(Math.Abs, -42);
        var failed = balanced.ApplyAsync<string, int>(int.Parse, "not a number");
        var printing = _client[0].ExecuteAsync("Console.WriteLine(\"hello from opx tests\");\n6 * 7");
        var compileError = _client[1].ExecuteAsync("var a = 1;\nvar b = a + missing;");
        foreach (var result in new AsyncResult[] { ok, failed, printing, compileError })
            Assert.True(await result.WaitAsync(Patience * 2), "A fixture task did not end.");
        (OkApply, FailedApply, PrintingScript, CompileError) = (ok.MsgId, failed.MsgId, printing.MsgId, compileError.MsgId);
        Assert.Equal(42, ok.Get());
        Assert.False(failed.Successful);
        Assert.False(compileError.Successful);

        SiloName = Assert.Single((await _client.ClusterStatusAsync()).Silos).Name;
    }

    public async Task DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        if (_silo is not null) await _silo.DisposeAsync();
    }
}
