using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Parallel.AppHost.Tests;

/// <summary>
/// The console output of an app host's resources, each line prefixed with its resource's name (what
/// the dashboard's console logs show). Aspire fetches a resource's output from the orchestrator only
/// for a watcher, and files it under the orchestrator's name of the resource ("silo1-xkcdqwer"), which
/// the app model's resource resolves to once the app has started.
/// </summary>
internal sealed class ResourceOutput
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ResourceOutput(DistributedApplication app, IEnumerable<string> resources, CancellationToken cancellationToken)
    {
        var service = app.Services.GetRequiredService<ResourceLoggerService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var name in resources) _ = WatchAsync(service, model.Resources.Single(r => r.Name == name), cancellationToken);
    }

    public string Text => string.Join("\n", _lines);

    /// <summary>The output once it contains <paramref name="part"/>, or as it is after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForAsync(string part, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Text.Contains(part, StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(200);
        return Text;
    }

    private async Task WatchAsync(ResourceLoggerService service, IResource resource, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in service.WatchAsync(resource).WithCancellation(cancellationToken))
                foreach (var line in batch) _lines.Enqueue($"[{resource.Name}] {line.Content}");
        }
        catch (OperationCanceledException)
        {
            // The test is over.
        }
    }
}
