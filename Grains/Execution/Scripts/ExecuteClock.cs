using System.Diagnostics;
using Orleans.Parallel.Engine;

namespace Orleans.Parallel.Grains.Execution.Scripts;

/// <summary>
/// Times one Execute's phases as it goes: each <c>Lap</c> adds the time since the previous one to a
/// phase. Used on the engine's thread only.
/// </summary>
internal sealed class ExecuteClock
{
    public enum Phase { Prepare, Declare, Emit, Load, Run }

    private readonly double[] _ms = new double[5];
    private long _mark = Stopwatch.GetTimestamp();

    /// <summary>Whether this Execute compiled (rather than found) its script.</summary>
    public bool Compiled { get; set; }

    /// <summary>Adds the time since the last lap to <paramref name="phase"/>.</summary>
    public void Lap(Phase phase)
    {
        var now = Stopwatch.GetTimestamp();
        _ms[(int)phase] += Stopwatch.GetElapsedTime(_mark, now).TotalMilliseconds;
        _mark = now;
    }

    public ExecuteTimings ToTimings() => new(Compiled, _ms[0], _ms[1], _ms[2], _ms[3], _ms[4]);
}
