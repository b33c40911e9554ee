namespace Orleans.Parallel.Tests.Processes;

/// <summary>The README's first command, <c>demo</c>, run as a process at a small size: every check passes and it says so.</summary>
public sealed class DemoCommandTests
{
    private static readonly string Silo = Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll");

    [Fact]
    public async Task Demo_RunsEveryPart_ChecksItLocally_AndPrintsTheSpeedup()
    {
        var (exit, output) = await ProgramRun.RunAsync("dotnet",
            [Silo, "demo", "--engines", "2", "--items", "100000", "--samples", "20000000", "--primes-below", "300000"], timeout: TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, output);
        Assert.Contains("2 engines on", output);
        Assert.Contains("y == 2i + 1 everywhere: OK", output);
        Assert.Matches(@"cluster \(2 engines\)\s+[\d,]+ ms\s+speedup \d+\.\d\dx", output);
        Assert.Contains("the cluster's hits equal the local ones, block by block: OK", output);
        Assert.Contains("primes below 300,000: 25,997; every task's count matches a local count: OK", output);
        // Redirected output gets plain progress lines, not a live bar.
        Assert.Contains("finished: 300/300 items (100%)", output);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal);
        Assert.Contains("every result matches its local computation", output);
    }

    [Fact]
    public async Task Demo_RefusesSizesBelowOne()
    {
        var (exit, output) = await ProgramRun.RunAsync("dotnet", [Silo, "demo", "--samples", "0"]);
        Assert.Equal(2, exit);
        Assert.Contains("must be at least 1", output);
    }
}
