using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Checkpoints;

/// <summary>An engine's namespace as a checkpoint stores it: each variable that could be written, and why the others could not.</summary>
[GenerateSerializer, Alias("op.EngineCheckpoint")]
public sealed class EngineCheckpoint
{
    /// <summary>The engine whose namespace this is.</summary>
    [Id(0)] public int EngineId { get; set; }

    /// <summary>When it was taken (UTC).</summary>
    [Id(1)] public DateTime Taken { get; set; }

    /// <summary>The variables written, in name order.</summary>
    [Id(2)] public List<CheckpointVariable> Variables { get; set; } = [];

    /// <summary>Variables that could not be written, by name, with the reason.</summary>
    [Id(3)] public Dictionary<string, string> NotSaved { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>How a checkpointed value is written.</summary>
public enum CheckpointEncoding
{
    /// <summary>Orleans' own serializer: numbers, strings, arrays, collections and other types Orleans carries.</summary>
    Orleans = 0,

    /// <summary>The graph codec that carries the user's own types (as a <see cref="UserValue"/> does), with the uploaded assemblies they come from.</summary>
    Graph = 1,
}

/// <summary>One variable of a checkpoint.</summary>
[GenerateSerializer, Alias("op.CheckpointVariable")]
public sealed class CheckpointVariable
{
    /// <summary>The variable's name in the namespace.</summary>
    [Id(0)] public string Name { get; set; } = "";

    /// <summary>How <see cref="Data"/> holds the value.</summary>
    [Id(1)] public CheckpointEncoding Encoding { get; set; }

    /// <summary>The value's type, for messages.</summary>
    [Id(2)] public string TypeName { get; set; } = "";

    /// <summary>The value, encoded as <see cref="Encoding"/> says.</summary>
    [Id(3)] public byte[] Data { get; set; } = [];

    /// <summary>For <see cref="CheckpointEncoding.Graph"/>: the uploaded assemblies (kept in the cluster's assembly store) its types may come from.</summary>
    [Id(4)] public List<AssemblyRef> Assemblies { get; set; } = [];
}
