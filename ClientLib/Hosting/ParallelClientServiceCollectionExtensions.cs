using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Parallel;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Security;

// Where .NET looks for AddXxx extensions of IServiceCollection.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a <see cref="ParallelClient"/> in an app's services (a worker service, an ASP.NET app):
/// connected when the host starts, before any hosted service of the app starts, and disposed (its
/// session ended) when the host stops.
/// </summary>
public static class ParallelClientServiceCollectionExtensions
{
    /// <summary>The configuration key naming a connection file to start from (its gateways, ids and credential); the section's other keys override it.</summary>
    public const string ConnectionFileKey = "ConnectionFile";

    /// <summary>The configuration key naming a credential file (PEM, or a connection file whose credential is used).</summary>
    public const string CredentialFileKey = "CredentialFile";

    /// <summary>
    /// Registers a <see cref="ParallelClient"/> configured from <paramref name="configuration"/> (such as
    /// <c>builder.Configuration.GetSection("OrleansParallel")</c>): the keys are <see cref="ParallelClientOptions"/>'
    /// properties (<c>GatewayHost</c>, <c>GatewayPort</c>, <c>AdditionalGateways</c>, <c>ClusterId</c>, <c>ServiceId</c>,
    /// <c>Clustering</c>, <c>ClusteringConnection</c>, <c>ConnectTimeout</c>, <c>Insecure</c>), plus
    /// <see cref="ConnectionFileKey"/> and <see cref="CredentialFileKey"/>. With none of them the client
    /// connects as <see cref="ParallelClient.ConnectAsync"/> does with no options. The options are checked
    /// when the host starts: a bad one stops the start with an <see cref="OptionsValidationException"/> naming the setting.
    /// </summary>
    public static IServiceCollection AddParallelClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<ParallelClientOptions>();
        options.Configure(o =>
        {
            // The file first, so that the section's own keys win over it.
            if (configuration[ConnectionFileKey] is { Length: > 0 } file) o.LoadConnectionFile(file);
            // An empty section means "the default cluster", as ConnectAsync() with no options.
            else if (!configuration.GetChildren().Any() && DefaultConnectionFile() is { } found) o.LoadConnectionFile(found);
        });
        options.Bind(configuration);
        options.Configure(o =>
        {
            if (configuration[CredentialFileKey] is { Length: > 0 } credential) o.Credential = ClusterCredential.FromFile(credential);
        });
        var section = configuration is IConfigurationSection s ? s.Path : "";
        return AddCore(services, section);
    }

    /// <summary>
    /// Registers a <see cref="ParallelClient"/> configured by <paramref name="configure"/>, which starts from
    /// <c>new ParallelClientOptions()</c> (the credential, if not set, found as <see cref="ParallelClientOptions.Credential"/>
    /// says). Checked when the host starts, like the configuration overload.
    /// </summary>
    public static IServiceCollection AddParallelClient(this IServiceCollection services, Action<ParallelClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ParallelClientOptions>().Configure(configure);
        return AddCore(services, "");
    }

    /// <summary>This user's connection file of cluster "dev", where <see cref="ParallelClient.ConnectAsync"/> looks by default; null if none.</summary>
    private static string? DefaultConnectionFile() => ConnectionFile.DefaultPath("dev") is var path && File.Exists(path) ? path : null;

    private static IServiceCollection AddCore(IServiceCollection services, string section)
    {
        if (services.Any(d => d.ServiceType == typeof(ParallelClient)))
            throw new InvalidOperationException("AddParallelClient was called twice on these services: register one ParallelClient, and make others with ParallelClient.ConnectAsync.");
        // The client's logs, Orleans' included, go where the app's go.
        services.AddOptions<ParallelClientOptions>().PostConfigure<IServiceProvider>((o, sp) => o.LoggerFactory ??= sp.GetService<ILoggerFactory>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ParallelClientOptions>>(new ParallelClientOptionsValidation(section)));
        services.AddOptions<ParallelClientOptions>().ValidateOnStart();
        services.AddSingleton(sp => ParallelClient.Prepare(sp.GetRequiredService<IOptions<ParallelClientOptions>>().Value));
        services.AddHostedService<ParallelClientConnection>();
        return services;
    }
}
