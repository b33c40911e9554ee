using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Cli.Clusters;

/// <summary>
/// Connects a command to its cluster, or says in one line why it cannot, naming what to do: start
/// one, name the right file, or check the credential. Commands then exit with code 1.
/// </summary>
internal static class ClusterConnector
{
    /// <summary>The client, or null after writing the reason to standard error.</summary>
    /// <param name="location">The cluster.</param>
    /// <param name="command">The command's name, for the message ("opx status").</param>
    /// <param name="engines">Engines to wait for (at most <paramref name="engineWait"/>); 0 for none.</param>
    /// <param name="engineWait">How long to wait for them.</param>
    /// <param name="cancellationToken">Stops connecting (Ctrl-C).</param>
    public static async Task<ParallelClient?> ConnectAsync(
        ClusterLocation location, string command, int engines = 0, TimeSpan? engineWait = null, CancellationToken cancellationToken = default)
    {
        ParallelClient? client = null;
        try
        {
            var options = ParallelClientOptions.FromConnectionFile(location.ConnectionFile);
            options.ConnectTimeout = TimeSpan.FromSeconds(15);
            client = await ParallelClient.ConnectAsync(options, cancellationToken);
            if (engines > 0) await client.WaitForEnginesAsync(engines, engineWait ?? TimeSpan.FromSeconds(30), cancellationToken);
            return client;
        }
        catch (FileNotFoundException)
        {
            await Console.Error.WriteLineAsync(
                $"{command}: no cluster is running: there is no connection file at {location.ConnectionFile} " +
                "(start one with 'opx start', or name another with --cluster-id or --connection-file).");
        }
        catch (DirectoryNotFoundException)
        {
            await Console.Error.WriteLineAsync(
                $"{command}: no cluster is running: there is no connection file at {location.ConnectionFile} " +
                "(start one with 'opx start', or name another with --cluster-id or --connection-file).");
        }
        catch (ClusterUnreachableException e)
        {
            var started = StartedCluster.TryRead(location);
            var hint = started is null || !started.IsRunning()
                ? " No silo of it seems to run: start it with 'opx start'" + (location.ClusterId is { } id && id != ClusterOptions.DefaultClusterId ? $" --cluster-id {id}" : "") + "."
                : "";
            await Console.Error.WriteLineAsync($"{command}: no cluster answers at {location.Describe()}: {FirstLine(e.Message)}{hint}");
        }
        catch (Exception e) when (e is ClusterCredentialException or TimeoutException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"{command}: cannot use {location.Describe()}: {FirstLine(e.Message)}");
        }
        if (client is not null) await client.DisposeAsync();
        return null;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd();
}
