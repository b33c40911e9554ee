using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.Parallel.Cli.Clusters;

/// <summary>
/// What <c>opx start</c> leaves beside the connection file while its cluster runs (<c>opx.json</c>):
/// the process that hosts the silo, so <c>opx stop</c> can stop it and <c>opx status</c> can say it
/// runs. The process writes it once its silo is ready and removes it when it stops.
/// </summary>
internal sealed record StartedCluster
{
    public const string FileName = "opx.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The process hosting the silo.</summary>
    public required int Pid { get; init; }

    /// <summary>When that process started (UTC), so a reused pid is not taken for it.</summary>
    public required DateTime ProcessStarted { get; init; }

    public required string ClusterId { get; init; }
    public required string Gateway { get; init; }
    public required int Engines { get; init; }
    public required string TaskStore { get; init; }

    /// <summary>Whether it runs in the background (<c>--daemon</c>), writing to <see cref="Log"/>.</summary>
    public bool Daemon { get; init; }
    public string? Log { get; init; }

    public static StartedCluster? TryRead(ClusterLocation location)
    {
        try
        {
            return JsonSerializer.Deserialize<StartedCluster>(File.ReadAllText(location.StartedFile), Json);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // none, or one being written: as if none
        }
    }

    public void Write(ClusterLocation location)
    {
        var temporary = location.StartedFile + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, location.StartedFile, overwrite: true); // readers see the whole file or none
    }

    /// <summary>Removes the record if it is still this process's (a newer start may have replaced it).</summary>
    public static void RemoveOwn(ClusterLocation location)
    {
        if (TryRead(location) is { } held && held.Pid == Environment.ProcessId) File.Delete(location.StartedFile);
    }

    /// <summary>The process, if it still runs (and is the one that wrote this record, not a later one with its pid).</summary>
    public Process? FindProcess()
    {
        try
        {
            var process = Process.GetProcessById(Pid);
            if (!process.HasExited && Math.Abs((process.StartTime.ToUniversalTime() - ProcessStarted).TotalSeconds) < 2) return process;
            process.Dispose();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone.
        }
        return null;
    }

    public bool IsRunning()
    {
        using var process = FindProcess();
        return process is not null;
    }

    /// <summary>This process's start time, as <see cref="ProcessStarted"/> records it.</summary>
    public static DateTime OwnStartTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.StartTime.ToUniversalTime();
    }
}
