namespace Orleans.Parallel.Cli.Clusters;

/// <summary>
/// How <c>opx stop</c> asks the process <c>opx start</c> left running to stop gracefully, the same on
/// every system: a file beside the connection file that the process watches. (A signal would do on
/// Linux and macOS, and SIGTERM or Ctrl-C still stop it there; Windows has no signal a console
/// process can send another.)
/// </summary>
internal static class StopRequest
{
    public const string FileName = "opx.stop";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static string PathOf(ClusterLocation location) => Path.Combine(location.Folder, FileName);

    /// <summary>Asks the process <paramref name="pid"/> to stop.</summary>
    public static void Send(ClusterLocation location, int pid) => File.WriteAllText(PathOf(location), pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Forgets a request (one left by a stop that killed its process, or one answered).</summary>
    public static void Clear(ClusterLocation location)
    {
        try { File.Delete(PathOf(location)); }
        catch (IOException) { }
    }

    /// <summary>Completes when a request for this process arrives, or when <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task WaitAsync(ClusterLocation location, CancellationToken cancellationToken)
    {
        var path = PathOf(location);
        using var timer = new PeriodicTimer(Poll);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            string text;
            try { text = File.ReadAllText(path).Trim(); }
            catch (IOException) { continue; } // none (FileNotFoundException is an IOException), or being written
            catch (UnauthorizedAccessException) { continue; }
            if (text == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)) return;
        }
    }
}
