using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// Connects the host's <see cref="ParallelClient"/> as the host starts, before any hosted service's
/// StartAsync (so a BackgroundService that injects it finds it connected), and ends its session when
/// the host stops, after the app's own services have stopped.
/// </summary>
internal sealed class ParallelClientConnection(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) =>
        services.GetRequiredService<ParallelClient>().OpenAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) =>
        await services.GetRequiredService<ParallelClient>().DisposeAsync().ConfigureAwait(false);
}
