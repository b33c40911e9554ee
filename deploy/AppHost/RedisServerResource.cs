using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Orleans.Parallel.AppHost;

/// <summary>
/// Redis as a process of this machine (Debian's <c>redis-server</c>), not Aspire's container resource:
/// no container registry is reachable here. Loopback only, nothing saved, a password of its own.
/// </summary>
public sealed class RedisServerResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "redis-server", workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    public ParameterResource Password { get; } = password;

    /// <summary>A StackExchange.Redis configuration string, which the silos' and clients' clustering take as it is.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)},password={Password}");
}

public static class RedisServerExtensions
{
    /// <summary>Adds <c>redis-server</c> (from PATH) on a port Aspire picks, healthy once it answers PING.</summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        if (!OnPath("redis-server"))
            throw new InvalidOperationException("The app host runs Redis as the program redis-server, which is not on PATH: install it (Debian/Ubuntu: sudo apt-get install redis-server).");
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var folder = ConfigFolder(name, password);
        builder.Services.AddSingleton<IHostedService>(new RemoveOnStop(folder));
        var redis = new RedisServerResource(name, folder, builder.AddParameter($"{name}-password", password, secret: true).Resource);
        var check = $"{name}-ping";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(check, _ => new PingCheck(redis), failureStatus: null, tags: null));
        return builder.AddResource(redis)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                // The password is in the config file, not the command line (which ps shows to every user).
                context.Args.Add(Path.Combine(folder, "redis.conf"));
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var arg in new[] { "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) context.Args.Add(arg);
            })
            .WithHealthCheck(check);
    }

    /// <summary>An owner-only folder holding redis.conf with the password; the server's working directory.</summary>
    private static string ConfigFolder(string name, string password)
    {
        var path = Path.Combine(Path.GetTempPath(), $"op-aspire-{name}-{Environment.ProcessId}");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        string folder;
        if (OperatingSystem.IsWindows()) folder = Directory.CreateDirectory(path).FullName;
        else
        {
            folder = Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(Path.Combine(folder, "redis.conf"), options);
        writer.WriteLine($"requirepass {password}");
        return folder;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));

    /// <summary>Removes the password's folder when the app host stops (the server read it when it started).</summary>
    private sealed class RemoveOnStop(string folder) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { } // gone already, or in use: the temp folder is cleaned later
            return Task.CompletedTask;
        }
    }

    /// <summary>Healthy when the server answers PING with the password: silos must not start before it does.</summary>
    private sealed class PingCheck(RedisServerResource redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connection = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken);
                await using var client = await ConnectionMultiplexer.ConnectAsync(connection!);
                await client.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (RedisException e)
            {
                return HealthCheckResult.Unhealthy(e.Message, e);
            }
        }
    }
}
