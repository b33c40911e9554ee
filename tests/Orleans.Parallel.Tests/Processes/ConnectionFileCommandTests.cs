using Orleans.Parallel.Security;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// The silo's <c>connection-file</c> command, which writes a client's connection file for silos reached
/// through translated addresses (deploy/compose-init.sh uses it): what it writes, and bad input refused
/// with one clear line and nothing written.
/// </summary>
public sealed class ConnectionFileCommandTests
{
    private static readonly string Silo = Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll");

    [Fact]
    public async Task ConnectionFile_ListsTheGateways_AndHoldsTheCredential_OwnerOnly()
    {
        var folder = Directory.CreateTempSubdirectory("op-connection-file-").FullName;
        try
        {
            using var credential = ClusterCredential.Generate("translated");
            var pem = Path.Combine(folder, "cluster.pem");
            File.WriteAllText(pem, credential.ToPem());
            var file = Path.Combine(folder, "connection.json");
            var (exit, output) = await ProgramRun.RunAsync("dotnet", [Silo, "connection-file", "--cluster-id", "translated", "--credential", pem,
                "--gateway", "127.0.0.1:31000", "--gateway", "127.0.0.1:31001", "--out", file]);
            Assert.True(exit == 0, output);

            var options = ParallelClientOptions.FromConnectionFile(file);
            Assert.Equal(("127.0.0.1", 31000), (options.GatewayHost, options.GatewayPort));
            Assert.Equal(["127.0.0.1:31001"], options.AdditionalGateways);
            Assert.Equal("translated", options.ClusterId);
            Assert.Equal(credential.Id, options.Credential!.Id);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("no-such.pem", "127.0.0.1:31000", "No connection file written:")]
    [InlineData("cluster.pem", "127.0.0.1", "The gateway '127.0.0.1' is not \"host:port\"")]
    [InlineData("not-a-credential.pem", "127.0.0.1:31000", "No connection file written:")]
    public async Task BadInput_OneClearLine_ExitCode2_NothingWritten(string credentialFile, string gateway, string message)
    {
        var folder = Directory.CreateTempSubdirectory("op-connection-file-").FullName;
        try
        {
            using (var credential = ClusterCredential.Generate("translated")) File.WriteAllText(Path.Combine(folder, "cluster.pem"), credential.ToPem());
            File.WriteAllText(Path.Combine(folder, "not-a-credential.pem"), "hello");
            var file = Path.Combine(folder, "connection.json");
            var (exit, output) = await ProgramRun.RunAsync("dotnet", [Silo, "connection-file", "--credential", Path.Combine(folder, credentialFile), "--gateway", gateway, "--out", file]);
            Assert.Equal(2, exit);
            Assert.Contains(message, output);
            Assert.False(File.Exists(file));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
