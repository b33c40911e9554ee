using Orleans.Runtime;

namespace Orleans.Parallel.Hosting;

/// <summary>Writes the silo into its cluster's connection file once it is active (its gateway listens), so clients can find it.</summary>
internal sealed class ConnectionFilePublisher(SiloSettings settings, SiloCredentials.Resolved credentials) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The connection file written, once the silo is active; null for a silo that writes none (insecure, or secured by its host).</summary>
    public string? Path { get; private set; }

    /// <summary>The credential's certificate thumbprint and where it came from, for the silo's first lines.</summary>
    public string Describe() => credentials.Security.Credential is { } c ? $"certificate {c.Id[..16]}…, {credentials.Source}" : credentials.Source;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ConnectionFilePublisher), ServiceLifecycleStage.Active, _ =>
        {
            if (credentials.Publish) Path = SiloCredentials.Publish(settings, credentials);
            return Task.CompletedTask;
        });
}
