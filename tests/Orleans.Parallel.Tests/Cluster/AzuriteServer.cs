namespace Orleans.Parallel.Tests.Cluster;

/// <summary>
/// Azurite's table service (the Azure Storage emulator, from npm) on a free loopback port, in
/// memory only: what Orleans' Azure Table membership talks to in the tests.
/// </summary>
public sealed class AzuriteServer : ServerProcess
{
    // Azurite's well-known development account (public, documented; it guards nothing).
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>A storage connection string for this server's table endpoint.</summary>
    public string ConnectionString => $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};TableEndpoint=http://127.0.0.1:{Port}/{Account};";

    protected override string Name => "Azurite (azurite-table)";

    protected override string InstallHint => "Install it with 'npm install -g azurite'";

    protected override string? Find() => FirstExisting("/usr/bin/azurite-table", "/usr/local/bin/azurite-table");

    protected override async Task InstallAsync()
    {
        if (FirstExisting("/usr/bin/npm", "/usr/local/bin/npm") is null)
        {
            var noninteractive = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            await RunAsync("apt-get", ["update"], noninteractive);
            await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", "nodejs", "npm"], noninteractive);
        }
        await RunAsync("npm", ["install", "-g", "--no-fund", "--no-audit", "azurite"]);
    }

    protected override IReadOnlyList<string> Arguments(int port) =>
        ["--tableHost", "127.0.0.1", "--tablePort", port.ToString(), "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry"]; // in its own working folder

    protected override Task<bool> AnswersAsync() => AcceptsConnectionsAsync();
}
