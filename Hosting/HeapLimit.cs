using System.Globalization;
using System.Text.RegularExpressions;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// The GC heap hard limit of a silo process. In-process engines run user code in the silo, so one
/// task that allocates without end would take the whole silo to the kernel's OOM killer; under a
/// hard limit that task fails with <see cref="OutOfMemoryException"/> and the silo lives. Silo
/// processes (<c>orleans-parallel-silo</c>, <c>opx start</c>) set one by default: 75% of the memory
/// the runtime sees (the machine's, or a container's). The runtime's own limit is kept where there
/// is one: in a container with a memory limit (.NET sets 75% of it), or one the user set through
/// <c>DOTNET_GCHeapHardLimit</c>/<c>DOTNET_GCHeapHardLimitPercent</c> or the runtimeconfig.
/// </summary>
internal static partial class HeapLimit
{
    /// <summary>The default: 75% of the memory the runtime sees, unless it already has a limit.</summary>
    public const string Auto = "auto";

    /// <summary>No limit of ours.</summary>
    public const string None = "none";

    private const double AutoFraction = 0.75;
    private static readonly Lock Gate = new();
    private static long? _available; // what the runtime saw before this class set anything

    /// <summary>
    /// Applies <paramref name="spec"/> to this process: <see cref="Auto"/>, <see cref="None"/>, a
    /// share of the memory ("60%") or a size ("8GiB", "512MiB", "2000000000"). Returns what was done,
    /// in words, for the silo's first lines.
    /// </summary>
    /// <exception cref="ArgumentException">The text is none of those, or a share is not 1..100%.</exception>
    /// <exception cref="ArgumentException">The limit is below what the process holds already.</exception>
    public static string Apply(string? spec)
    {
        var wanted = Parse(spec);
        lock (Gate)
        {
            var available = _available ??= GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            long bytes;
            switch (wanted)
            {
                case (null, null):
                    return "no heap limit";
                case (double fraction, null) when spec?.Trim().ToLowerInvariant() == Auto:
                    if (RuntimeHasLimit(available) is { } why) return $"heap limit {Size(available)} ({why})";
                    bytes = (long)(available * fraction);
                    break;
                case (double fraction, null):
                    bytes = (long)(available * fraction);
                    break;
                default:
                    bytes = wanted.Bytes!.Value;
                    break;
            }
            AppContext.SetData("GCHeapHardLimit", (ulong)bytes);
            try
            {
                GC.RefreshMemoryLimit();
            }
            catch (InvalidOperationException e)
            {
                AppContext.SetData("GCHeapHardLimit", null);
                throw new ArgumentException($"The heap limit '{spec}' ({Size(bytes)}) is below what this process holds already; give a larger one.", e);
            }
            return $"heap limit {Size(bytes)} of {Size(available)}";
        }
    }

    /// <summary>(share, null), (null, bytes), or (null, null) for none.</summary>
    internal static (double? Fraction, long? Bytes) Parse(string? spec)
    {
        var text = (spec ?? Auto).Trim().ToLowerInvariant();
        if (text == Auto) return (AutoFraction, null);
        if (text == None) return (null, null);
        if (Percent().Match(text) is { Success: true } percent)
        {
            var value = double.Parse(percent.Groups[1].Value, CultureInfo.InvariantCulture);
            if (value is < 1 or > 100) throw new ArgumentException($"The heap limit '{spec}' must be a share of 1% to 100%.");
            return (value / 100, null);
        }
        if (SizeText().Match(text) is { Success: true } size)
        {
            var unit = size.Groups[2].Value switch
            {
                "" or "b" => 1L,
                "k" or "kb" or "kib" => 1L << 10,
                "m" or "mb" or "mib" => 1L << 20,
                "g" or "gb" or "gib" => 1L << 30,
                _ => 1L << 40,
            };
            var bytes = (long)(double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture) * unit);
            if (bytes < 64L << 20) throw new ArgumentException($"The heap limit '{spec}' is under 64 MiB; a silo cannot run in that.");
            return (null, bytes);
        }
        throw new ArgumentException($"The heap limit '{spec}' is not understood: use auto, none, a share such as 60%, or a size such as 8GiB.");
    }

    /// <summary>Why the runtime's own limit stands, or null when it has none.</summary>
    private static string? RuntimeHasLimit(long available)
    {
        foreach (var prefix in new[] { "DOTNET_", "COMPlus_" })
            foreach (var name in new[] { "GCHeapHardLimit", "GCHeapHardLimitPercent" })
                if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(prefix + name))) return $"set by {prefix}{name}";
        if (AppContext.GetData("GCHeapHardLimit") is not null || AppContext.GetData("GCHeapHardLimitPercent") is not null) return "set in the runtimeconfig";
        if (MachineMemory() is { } machine && available < machine * 0.95) return "the runtime's, under the container's memory limit";
        return null;
    }

    /// <summary>The machine's memory, where the system says (Linux); else null.</summary>
    private static long? MachineMemory()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static string Size(long bytes) => $"{bytes / (double)(1L << 30):0.0} GiB";

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*%$")]
    private static partial Regex Percent();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$")]
    private static partial Regex SizeText();
}
