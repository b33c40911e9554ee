using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Security;
using Orleans.Parallel.Testing;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// Only holders of the cluster's credential get in, on every port of a real silo process: a client
/// without it, or with another, is refused within seconds with an error that says what to do; a raw
/// TLS handshake without a client certificate, or plain TCP, gets nowhere on the silo, gateway or bulk
/// port. The connection file is owner-only and all a client needs; credentials rotate; --insecure says so.
/// </summary>
public sealed class SecurityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How soon a refused client must know. On a quiet machine it is well under a second (README); the
    /// bound leaves room for a loaded one and is still far below Orleans' own retries (15 attempts, minutes).
    /// </summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(15);

    private static string NewClusterId(string what) => $"{what}-{Guid.NewGuid():N}"[..24];

    [Fact]
    public async Task Client_WithoutCredential_IsRefusedAtOnce_NamingTheConnectionFile()
    {
        var cluster = NewClusterId("nocred");
        await using var silo = await SiloProcess.StartAsync(1, Patience, "--cluster-id", cluster);
        var stranger = NewClusterId("stranger"); // no connection file for this id, no credential given
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ClusterCredentialException>(() =>
            ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = silo.GatewayPort, ClusterId = stranger }));
        Assert.True(clock.Elapsed < Prompt, $"Took {clock.Elapsed}.");
        Assert.Contains(ConnectionFile.DefaultPath(stranger), error.Message);
        Assert.Contains("does not exist", error.Message);
        await AssertServesAsync(silo, cluster);
    }

    [Fact]
    public async Task Client_WithAnotherCredential_IsRefusedWithinSeconds_EitherWay()
    {
        var cluster = NewClusterId("wrongcred");
        await using var silo = await SiloProcess.StartAsync(1, Patience, "--cluster-id", cluster);
        using var own = ClusterCredential.FromFile(ConnectionFile.DefaultPath(cluster));

        // A stranger's credential: the client does not trust the silo's certificate.
        using var stranger = ClusterCredential.Generate("stranger");
        var error = await RefusedAsync(silo, stranger);
        Assert.True(error.Message.Contains("does not trust", StringComparison.Ordinal), error.Message);
        Assert.Contains("connection file", error.Message);

        // A stranger that trusts the silo's certificate: the silo refuses the stranger's.
        using var trusting = stranger.Trusting(own.Certificate.ExportCertificatePem());
        error = await RefusedAsync(silo, trusting);
        Assert.True(error.Message.Contains("refused this client's certificate", StringComparison.Ordinal), error.Message);

        await AssertServesAsync(silo, cluster);
    }

    [Fact]
    public async Task RawConnections_WithoutTheCredential_GetNowhereOnAnyPort()
    {
        var cluster = NewClusterId("raw");
        await using var silo = await SiloProcess.StartAsync(1, Patience, "--cluster-id", cluster);
        await using var rc = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(ConnectionFile.DefaultPath(cluster)));
        await rc.WaitForEnginesAsync(1, Patience);
        var bulk = rc.BulkOf(0)!;
        using var stranger = ClusterCredential.Generate("stranger");

        foreach (var (name, port) in new[] { ("silo", silo.SiloPort), ("gateway", silo.GatewayPort), ("bulk", bulk.Port) })
        {
            // TLS without a client certificate, and TLS with a certificate the cluster does not know: each
            // either fails in the handshake or is closed before a byte of the port's own protocol arrives.
            Assert.True(await RefusedTlsAsync(port, clientCertificate: null), $"The {name} port accepted TLS without a client certificate.");
            Assert.True(await RefusedTlsAsync(port, stranger.Certificate), $"The {name} port accepted a stranger's certificate.");
            // Plain TCP: the ports speak only TLS.
            Assert.True(await RefusedPlainAsync(port, name == "bulk" ? bulk.Key : null), $"The {name} port answered plain TCP.");
        }
        Assert.False(silo.HasExited);
        Assert.Equal([3], await rc[..].ApplyAsync(() => 3).AsTask().WaitAsync(Patience));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ConnectionFile_IsOwnerOnly_AndAllAClientNeeds_EachSiloAddingItsGateway()
    {
        var cluster = NewClusterId("connfile");
        await using var first = await SiloProcess.StartAsync(1, Patience, "--cluster-id", cluster);
        var path = ConnectionFile.DefaultPath(cluster);
        Assert.Contains($"Connection file: {path}", first.Output);
        await using var second = await SiloProcess.StartAsync(1, Patience, "--cluster-id", cluster, "--primary-silo-port", first.SiloPort.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        var file = ConnectionFile.Read(path);
        Assert.Equal([$"127.0.0.1:{first.GatewayPort}", $"127.0.0.1:{second.GatewayPort}"], file.Gateways);
        Assert.Contains("PRIVATE KEY", file.Credential);

        await using var rc = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(path));
        await rc.WaitForEnginesAsync(2, Patience);
        var data = Enumerable.Range(0, 256 * 1024).Select(i => (double)i).ToArray(); // 2 MB: the bulk path, over TLS
        await rc[..].PushAsync(new { secured = data }).AsTask().WaitAsync(Patience);
        Assert.Equal(data, await rc[1].PullAsync<double[]>("secured").AsTask().WaitAsync(Patience));
        Assert.Equal(2, (await rc[..].ApplyAsync(() => Environment.ProcessId).AsTask().WaitAsync(Patience)).Distinct().Count());
    }

    [Fact]
    public async Task Rotation_ASiloTrustingTheNewCredential_TakesClientsOfEither_AndRefusesOthers()
    {
        var folder = Directory.CreateTempSubdirectory("op-rotation-").FullName;
        using var old = ClusterCredential.Generate("rotation");
        using var next = ClusterCredential.Generate("rotation");
        var oldPem = Path.Combine(folder, "old.pem");
        var nextCertificate = Path.Combine(folder, "new.crt");
        File.WriteAllText(oldPem, old.ToPem());
        File.WriteAllText(nextCertificate, next.Certificate.ExportCertificatePem());
        var cluster = NewClusterId("rotation");
        await using var silo = await SiloProcess.StartAsync(1, Patience, "--cluster-id", cluster, "--credential", oldPem, "--trust", nextCertificate);
        Assert.Contains($"also trusting {nextCertificate}", silo.Output);
        // The connection file names the PEM file rather than copying its key.
        Assert.Equal(oldPem, ConnectionFile.Read(ConnectionFile.DefaultPath(cluster)).CredentialPath);

        foreach (var credential in new[] { old, next.Trusting(old.Certificate.ExportCertificatePem()) })
        {
            await using var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = silo.GatewayPort, ClusterId = cluster, Credential = credential });
            await rc.WaitForEnginesAsync(1, Patience);
            Assert.Equal([7], await rc[..].ApplyAsync(() => 7).AsTask().WaitAsync(Patience));
        }
        // The new credential alone does not trust the silo's old certificate yet.
        var error = await RefusedAsync(silo, next);
        Assert.Contains("does not trust", error.Message);
    }

    [Fact]
    public async Task UsersOwnRsaPemCertificate_FromTheEnvironment_Works()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=my own cluster", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var pem = rsa.ExportPkcs8PrivateKeyPem() + "\n" + certificate.ExportCertificatePem() + "\n"; // key first: any order
        var cluster = NewClusterId("ownpem");
        await using var silo = await SiloProcess.StartAsync(1, new Dictionary<string, string> { ["OP_CREDENTIALPEM"] = pem }, Patience, "--cluster-id", cluster);
        Assert.Contains("from OP_CREDENTIALPEM", silo.Output);

        await using var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = silo.GatewayPort, ClusterId = cluster, Credential = ClusterCredential.FromPem(pem) });
        await rc.WaitForEnginesAsync(1, Patience);
        var data = new double[100_000];
        await rc[0].PushAsync(new { mine = data }).AsTask().WaitAsync(Patience);
        Assert.Equal(data, await rc[0].PullAsync<double[]>("mine").AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Insecure_SaysSoLoudly_TakesOnlyAnInsecureClient()
    {
        var cluster = NewClusterId("insecure");
        await using var silo = await SiloProcess.StartAsync(1, Patience, "--cluster-id", cluster, "--insecure");
        Assert.Contains(ClusterSecurity.InsecureWarning, silo.Output);
        Assert.Contains("INSECURE (no TLS, no credential)", silo.Output);
        Assert.False(File.Exists(ConnectionFile.DefaultPath(cluster)), "An insecure silo wrote a connection file.");

        using var credential = ClusterCredential.Generate("client");
        var error = await RefusedAsync(silo, credential);
        Assert.Contains("Insecure = true", error.Message);

        await using var rc = await ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = silo.GatewayPort, ClusterId = cluster, Insecure = true });
        await rc.WaitForEnginesAsync(1, Patience);
        var data = Enumerable.Range(0, 300_000).Select(i => (double)i).ToArray();
        await rc[0].PushAsync(new { open = data }).AsTask().WaitAsync(Patience);
        Assert.Equal(data, await rc[0].PullAsync<double[]>("open").AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task ConnectionPasswords_FromAFile_ShowNeitherInTheProcessListNorInTheLog()
    {
        const string Secret = "Sup3r-Secret-Passw0rd";
        var folder = Directory.CreateTempSubdirectory("op-password-").FullName;
        var file = Path.Combine(folder, "store.txt");
        var closed = LoopbackPorts.Reserve(1)[0]; // nothing listens: the store cannot be reached, and says so
        File.WriteAllText(file, $"Host=127.0.0.1;Port={closed};Username=op;Password={Secret};Database=op;Timeout=2\n");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll"), "--engines", "1", "--cluster-id", NewClusterId("password"),
                                    "--silo-port", LoopbackPorts.Reserve(1)[0].ToString(CultureInfo.InvariantCulture), "--gateway-port", LoopbackPorts.Reserve(1)[0].ToString(CultureInfo.InvariantCulture),
                                    "--task-store", "postgres", "--task-store-connection-file", file, "--log-level", "Trace", "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var commandLine = await File.ReadAllTextAsync($"/proc/{process.Id}/cmdline");
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // The store cannot be reached: the silo logs its attempts (at trace level, everything) and fails or keeps trying.
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try { await process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
        await process.WaitForExitAsync();
        string text;
        lock (log) text = log.ToString();
        output.WriteLine(text.Length > 3000 ? text[^3000..] : text);
        Assert.Contains("trce", text); // it did log at trace level
        Assert.Contains(file, commandLine.Replace('\0', ' '));
        Assert.DoesNotContain(Secret, commandLine);
        Assert.DoesNotContain(Secret, text);
    }

    /// <summary>A connect with <paramref name="credential"/> fails with <see cref="ClusterCredentialException"/> within <see cref="Prompt"/>.</summary>
    private static async Task<ClusterCredentialException> RefusedAsync(SiloProcess silo, ClusterCredential credential)
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ClusterCredentialException>(() =>
            ParallelClient.ConnectAsync(new ParallelClientOptions { GatewayPort = silo.GatewayPort, Credential = credential }));
        Assert.True(clock.Elapsed < Prompt, $"The refusal took {clock.Elapsed}: {error.Message}");
        return error;
    }

    /// <summary>The cluster still serves its own: a client from its connection file runs a task.</summary>
    private static async Task AssertServesAsync(SiloProcess silo, string cluster)
    {
        Assert.False(silo.HasExited, silo.Output);
        await using var rc = await ParallelClient.ConnectAsync(ParallelClientOptions.FromConnectionFile(ConnectionFile.DefaultPath(cluster)));
        await rc.WaitForEnginesAsync(1, Patience);
        Assert.Equal([5], await rc[..].ApplyAsync(() => 5).AsTask().WaitAsync(Patience));
    }

    /// <summary>
    /// A TLS client (any server certificate accepted) presenting <paramref name="clientCertificate"/>: true
    /// if the port refuses, in the handshake or by closing the connection before sending a byte.
    /// </summary>
    private static async Task<bool> RefusedTlsAsync(int port, X509Certificate2? clientCertificate)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, timeout.Token);
            // TLS 1.3: the server judges the client's certificate after the client's side has finished;
            // its refusal is the connection's end. Speak first, as a client of each port would.
            await tls.WriteAsync(new byte[64], timeout.Token);
            return await tls.ReadAsync(new byte[1], timeout.Token) == 0;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return true;
        }
    }

    /// <summary>Plain TCP (for the bulk port, its real key): true if the port closes the connection without answering.</summary>
    private static async Task<bool> RefusedPlainAsync(int port, byte[]? bulkKey)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var hello = new byte[4 + BulkProtocol.KeyLength];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(hello, BulkProtocol.Magic);
            bulkKey?.CopyTo(hello, 4);
            await socket.SendAsync(hello, timeout.Token);
            var buffer = new byte[256];
            for (int read; (read = await socket.ReceiveAsync(buffer, timeout.Token)) > 0;)
                if (bulkKey is not null || !LooksLikeTlsAlert(buffer, read)) return false;
            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>A TLS server may answer garbage with an alert record (content type 21) before closing: that is a refusal too.</summary>
    private static bool LooksLikeTlsAlert(byte[] buffer, int read) => read >= 1 && buffer[0] == 21;
}
