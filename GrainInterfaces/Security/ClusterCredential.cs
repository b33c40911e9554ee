using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Parallel.Security;

/// <summary>
/// What lets a silo or client into a cluster: a certificate with its private key, presented on every
/// connection (silo to silo, client to gateway, the bulk port), and the certificates it accepts from
/// the other side, pinned by SHA-256 thumbprint. Every member of a cluster holds the same one, as every
/// ipyparallel client holds the controller's key; a peer whose certificate is not pinned, or is out of
/// its validity dates, is refused during the TLS handshake.
/// <para>
/// From PEM text (<see cref="FromPem"/>): the first certificate, whose private key must be there too,
/// is this party's own; every further certificate is accepted as well, which is how a cluster changes
/// credential without stopping (README, "Security").
/// </para>
/// </summary>
public sealed class ClusterCredential : IDisposable
{
    private readonly HashSet<string> _pins;

    private ClusterCredential(X509Certificate2 certificate, IEnumerable<X509Certificate2> alsoTrusted)
    {
        if (!certificate.HasPrivateKey)
            throw new ArgumentException($"The cluster credential's certificate ({certificate.Subject}) has no private key: give the PEM with its PRIVATE KEY block.", nameof(certificate));
        Certificate = certificate;
        AlsoTrusted = [.. alsoTrusted];
        _pins = [Thumbprint(certificate), .. AlsoTrusted.Select(Thumbprint)];
    }

    /// <summary>This party's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Further certificates accepted from peers (a credential being rotated in or out).</summary>
    public IReadOnlyList<X509Certificate2> AlsoTrusted { get; }

    /// <summary>The SHA-256 thumbprints (upper-case hex) of every certificate accepted from a peer, this party's own first.</summary>
    public IReadOnlyCollection<string> Pins => _pins;

    /// <summary>The SHA-256 thumbprint (upper-case hex) of this party's own certificate.</summary>
    public string Id => Thumbprint(Certificate);

    /// <summary>
    /// A new credential for a cluster: a self-signed ECDSA P-256 certificate valid for ten years, usable
    /// as TLS server and client. Made by the first silo of a cluster; every other member gets a copy.
    /// </summary>
    public static ClusterCredential Generate(string clusterId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=Orleans.Parallel cluster {Sanitize(clusterId)}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return FromPem(created.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>
    /// A credential from PEM text: certificates and one private key (PKCS#8, RSA or EC), in any order.
    /// The first certificate is this party's own and must match the key; the others are accepted from peers too.
    /// </summary>
    /// <exception cref="ArgumentException">No certificate, no private key, or a key that is not the first certificate's.</exception>
    public static ClusterCredential FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var certificates = new List<X509Certificate2>();
        try
        {
            foreach (var block in PemBlocks(pem, "CERTIFICATE")) certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(block)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            throw new ArgumentException($"A CERTIFICATE block of the cluster credential could not be read: {e.Message}", nameof(pem), e);
        }
        if (certificates.Count == 0)
            throw new ArgumentException("The cluster credential has no certificate: it must be PEM text with a \"-----BEGIN CERTIFICATE-----\" block and its private key.", nameof(pem));
        if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
            throw new ArgumentException("The cluster credential has no private key: it must be PEM text with the certificate and its \"-----BEGIN PRIVATE KEY-----\" block.", nameof(pem));
        X509Certificate2 own;
        try
        {
            var ownPem = "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(certificates[0].RawData) + "\n-----END CERTIFICATE-----\n";
            using var withKey = X509Certificate2.CreateFromPem(ownPem, pem);
            // Through PKCS#12, so that the key is usable by SslStream on every platform.
            own = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"The cluster credential's private key does not belong to its first certificate ({certificates[0].Subject}), or cannot be read: {e.Message}", nameof(pem), e);
        }
        certificates[0].Dispose();
        return new ClusterCredential(own, certificates.Skip(1));
    }

    /// <summary>A credential from a file: PEM text (as <see cref="FromPem"/>), or a connection file that holds or names one.</summary>
    /// <exception cref="ArgumentException">The file holds no usable credential.</exception>
    public static ClusterCredential FromFile(string path)
    {
        var text = File.ReadAllText(path);
        return ConnectionFile.IsConnectionFileText(text) ? ConnectionFile.Read(path).LoadCredential(path) : FromPem(text);
    }

    /// <summary>This credential, also accepting the certificates in <paramref name="certificatesPem"/> from peers, for a change of credential.</summary>
    public ClusterCredential Trusting(string certificatesPem)
    {
        var extra = new List<X509Certificate2>();
        foreach (var block in PemBlocks(certificatesPem, "CERTIFICATE")) extra.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(block)));
        if (extra.Count == 0) throw new ArgumentException("No \"-----BEGIN CERTIFICATE-----\" block in the certificates to trust.", nameof(certificatesPem));
        return new ClusterCredential(Certificate, [.. AlsoTrusted, .. extra]);
    }

    /// <summary>The PEM text of this credential: its certificate, its private key, then the other accepted certificates.</summary>
    public string ToPem()
    {
        var key = (AsymmetricAlgorithm?)Certificate.GetECDsaPrivateKey() ?? Certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The credential's private key is neither ECDSA nor RSA.");
        using (key)
            return string.Concat([Certificate.ExportCertificatePem(), "\n", key.ExportPkcs8PrivateKeyPem(), "\n", .. AlsoTrusted.Select(c => c.ExportCertificatePem() + "\n")]);
    }

    /// <summary>Whether a peer presenting <paramref name="certificate"/> is let in: it is pinned and within its validity dates.</summary>
    public bool Accepts(X509Certificate? certificate)
    {
        if (certificate is null) return false;
        var now = DateTime.Now;
        var full = certificate as X509Certificate2;
        using var owned = full is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        full ??= owned!;
        return full.NotBefore <= now && now <= full.NotAfter && _pins.Contains(Thumbprint(full));
    }

    /// <summary>The SHA-256 thumbprint of a certificate, in upper-case hex.</summary>
    public static string Thumbprint(X509Certificate2 certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>TLS versions every connection of the cluster may use.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls13 | SslProtocols.Tls12;

    /// <summary>Options for the listening side of a TLS connection (the bulk port): this certificate, a client certificate required and pinned.</summary>
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = _serverContext ??= SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true),
        ClientCertificateRequired = true,
        EnabledSslProtocols = Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => Accepts(certificate),
    };

    /// <summary>Options for the connecting side of a TLS connection: this certificate presented, the server's pinned.</summary>
    public SslClientAuthenticationOptions ClientOptions(string targetHost) => new()
    {
        TargetHost = targetHost,
        ClientCertificateContext = _clientContext ??= SslStreamCertificateContext.Create(Certificate, additionalCertificates: null, offline: true),
        EnabledSslProtocols = Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => Accepts(certificate),
    };

    private SslStreamCertificateContext? _serverContext;
    private SslStreamCertificateContext? _clientContext;

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var certificate in AlsoTrusted) certificate.Dispose();
    }

    /// <summary>The base64 bodies of the PEM blocks labelled <paramref name="label"/>.</summary>
    private static IEnumerable<string> PemBlocks(string pem, string label)
    {
        var begin = $"-----BEGIN {label}-----";
        var end = $"-----END {label}-----";
        for (var at = pem.IndexOf(begin, StringComparison.Ordinal); at >= 0; at = pem.IndexOf(begin, at, StringComparison.Ordinal))
        {
            var bodyStart = at + begin.Length;
            var stop = pem.IndexOf(end, bodyStart, StringComparison.Ordinal);
            if (stop < 0) throw new ArgumentException($"A \"{begin}\" block has no \"{end}\".", nameof(pem));
            yield return string.Concat(pem.AsSpan(bodyStart, stop - bodyStart).ToString().Where(c => !char.IsWhiteSpace(c)));
            at = stop + end.Length;
        }
    }

    private static string Sanitize(string text) => new([.. text.Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.').Take(64)]);
}
