using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Tests.Hosting;

/// <summary>The cluster credential, the connection file and the security settings: what they accept, and what they refuse with a message naming the problem.</summary>
public sealed class CredentialTests
{
    [Fact]
    public void Generated_RoundTripsThroughPem_AndAcceptsOnlyPinnedCertificates()
    {
        using var credential = ClusterCredential.Generate("round trip");
        using var again = ClusterCredential.FromPem(credential.ToPem());
        Assert.Equal(credential.Id, again.Id);
        Assert.True(again.Certificate.HasPrivateKey);
        Assert.True(again.Accepts(credential.Certificate));
        using var other = ClusterCredential.Generate("other");
        Assert.False(credential.Accepts(other.Certificate));
        Assert.False(credential.Accepts(null));

        using var trusting = credential.Trusting(other.Certificate.ExportCertificatePem());
        Assert.True(trusting.Accepts(other.Certificate));
        Assert.Equal([credential.Id, other.Id], trusting.Pins);
        using var reread = ClusterCredential.FromPem(trusting.ToPem()); // the trusted certificates travel in the PEM too
        Assert.True(reread.Accepts(other.Certificate));
        Assert.Equal(credential.Id, reread.Id);
    }

    [Fact]
    public void ExpiredPinnedCertificate_IsRefused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=expired", key, HashAlgorithmName.SHA256);
        using var expired = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        using var credential = ClusterCredential.FromPem(expired.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        Assert.Contains(ClusterCredential.Thumbprint(expired), credential.Pins);
        Assert.False(credential.Accepts(expired));
    }

    [Fact]
    public void BadPem_IsRefused_SayingWhatIsMissing()
    {
        using var credential = ClusterCredential.Generate("bad");
        using var other = ClusterCredential.Generate("other");
        var certificateOnly = credential.Certificate.ExportCertificatePem();
        Assert.Contains("no certificate", Assert.Throws<ArgumentException>(() => ClusterCredential.FromPem("hello")).Message);
        Assert.Contains("no private key", Assert.Throws<ArgumentException>(() => ClusterCredential.FromPem(certificateOnly)).Message);
        var otherKey = other.ToPem()[other.ToPem().IndexOf("-----BEGIN PRIVATE KEY", StringComparison.Ordinal)..];
        Assert.Contains("does not belong", Assert.Throws<ArgumentException>(() => ClusterCredential.FromPem(certificateOnly + otherKey)).Message);
        Assert.Contains("could not be read", Assert.Throws<ArgumentException>(() =>
            ClusterCredential.FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).Message);
        Assert.Contains("has no", Assert.Throws<ArgumentException>(() => ClusterCredential.FromPem("-----BEGIN CERTIFICATE-----\nAAAA")).Message);
    }

    [Fact]
    public void ConnectionFile_FromConnectionFile_GivesEverySetting_AndRefusesWhatIsNotOne()
    {
        var folder = Directory.CreateTempSubdirectory("op-connfile-").FullName;
        var path = Path.Combine(folder, "sub", ConnectionFile.FileName);
        using var credential = ClusterCredential.Generate("file");
        ConnectionFile.Update(path, _ => new ConnectionFile
        {
            ClusterId = "c1", ServiceId = "s1", Gateways = ["127.0.0.1:30005", "127.0.0.1:30006"], Credential = credential.ToPem(),
        });
        var options = ParallelClientOptions.FromConnectionFile(path);
        Assert.Equal(("127.0.0.1", 30005, "c1", "s1"), (options.GatewayHost, options.GatewayPort, options.ClusterId, options.ServiceId));
        Assert.Equal(["127.0.0.1:30006"], options.AdditionalGateways);
        Assert.Equal(credential.Id, options.Credential!.Id);
        Assert.Equal(path, options.ConnectionFilePath);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        var missing = Path.Combine(folder, "none.json");
        Assert.Contains("no connection file", Assert.Throws<FileNotFoundException>(() => ParallelClientOptions.FromConnectionFile(missing)).Message);
        var notJson = Path.Combine(folder, "bad.json");
        File.WriteAllText(notJson, "{ not json");
        Assert.Contains("is not an Orleans.Parallel connection file", Assert.Throws<ArgumentException>(() => ParallelClientOptions.FromConnectionFile(notJson)).Message);
        var noGateway = Path.Combine(folder, "nogateway.json");
        ConnectionFile.Update(noGateway, _ => new ConnectionFile { Credential = credential.ToPem() });
        Assert.Contains("lists no gateway", Assert.Throws<ArgumentException>(() => ParallelClientOptions.FromConnectionFile(noGateway)).Message);
        var noCredential = Path.Combine(folder, "nocredential.json");
        ConnectionFile.Update(noCredential, _ => new ConnectionFile { Gateways = ["127.0.0.1:1"] });
        Assert.Contains("holds no credential", Assert.Throws<ArgumentException>(() => ParallelClientOptions.FromConnectionFile(noCredential)).Message);
        var namedMissing = Path.Combine(folder, "named.json");
        ConnectionFile.Update(namedMissing, _ => new ConnectionFile { Gateways = ["127.0.0.1:1"], CredentialPath = Path.Combine(folder, "gone.pem") });
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => ParallelClientOptions.FromConnectionFile(namedMissing)).Message);
    }

    [Fact]
    public async Task Client_InsecureWithACredential_OrAnUnreadableOne_IsRefusedBeforeConnecting()
    {
        using var credential = ClusterCredential.Generate("client");
        var both = new ParallelClientOptions { Insecure = true, Credential = credential };
        Assert.Contains("choose one", (await Assert.ThrowsAsync<ArgumentException>(() => ParallelClient.ConnectAsync(both))).Message);

        var cluster = $"broken-{Guid.NewGuid():N}";
        var file = ConnectionFile.DefaultPath(cluster);
        ConnectionFile.Update(file, _ => new ConnectionFile { ClusterId = cluster, Gateways = ["127.0.0.1:1"], Credential = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" });
        var error = await Assert.ThrowsAsync<ClusterCredentialException>(() => ParallelClient.ConnectAsync(new ParallelClientOptions { ClusterId = cluster }));
        Assert.Contains(file, error.Message);
    }

    [Fact]
    public void SiloSettings_ConflictingOrMissingSecurityInputs_AreRefused()
    {
        Assert.Contains("choose one", Assert.Throws<ArgumentException>(() =>
            SiloHostFactory.Create(new SiloSettings { Insecure = true, Credential = "x.pem" })).Message);
        var missing = Path.Combine(Path.GetTempPath(), $"op-missing-{Guid.NewGuid():N}.pem");
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() =>
            SiloHostFactory.Create(new SiloSettings { Credential = missing, ClusterId = $"m-{Guid.NewGuid():N}" })).Message);
        Assert.Contains("--trust", Assert.Throws<ArgumentException>(() =>
            SiloHostFactory.Create(new SiloSettings { Trust = missing, ClusterId = $"t-{Guid.NewGuid():N}" })).Message);
        Assert.Contains("cannot be used", Assert.Throws<ArgumentException>(() =>
            SiloHostFactory.Create(new SiloSettings { CredentialPem = "nonsense", ClusterId = $"p-{Guid.NewGuid():N}" })).Message);
        Assert.Contains("choose one", Assert.Throws<ArgumentException>(() =>
            SiloHostFactory.Create(new SiloSettings { ClusteringConnection = "a:1", ClusteringConnectionFile = missing, Clustering = ClusterMembership.Redis })).Message);
        Assert.Contains("no file", Assert.Throws<ArgumentException>(() =>
            SiloHostFactory.Create(new SiloSettings { ClusteringConnectionFile = missing, Clustering = ClusterMembership.Redis })).Message);
    }

    [Fact]
    public void SiloSettings_ConnectionsFromFiles_TakeTheFirstLine()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("op-conn-").FullName, "redis.txt");
        File.WriteAllText(file, "\n  10.0.0.9:6379,password=abc  \nignored\n");
        Assert.Equal("10.0.0.9:6379,password=abc", new SiloSettings { Clustering = ClusterMembership.Redis, ClusteringConnectionFile = file }.ResolvedClusteringConnection());
        Assert.Equal("10.0.0.9:6379,password=abc", new SiloSettings { TaskStore = "postgres", TaskStoreConnectionFile = file }.StoreOptions().ConnectionString);
    }

    [Fact]
    public async Task SiloWithEnginesButNoSecurityDecision_RefusesToStart_SayingWhatToCall()
    {
        var builder = new Orleans.TestingHost.InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddParallelEngines(o => (o.Engines, o.WarmUpScripts) = (1, false)));
        await using var cluster = builder.Build();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync());
        Assert.Contains("UseClusterSecurity", Flatten(error));
    }

    private static string Flatten(Exception? e)
    {
        var text = "";
        for (; e is not null; e = e.InnerException) text += e.Message + "\n";
        return text;
    }
}
