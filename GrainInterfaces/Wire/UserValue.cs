using Orleans.Parallel.Code;

namespace Orleans.Parallel.Wire;

/// <summary>
/// A value Orleans cannot carry itself (an instance of the user's own types, or a collection holding
/// some), as Json.NET text written by <c>Orleans.Parallel.Values.GraphCodec</c>, with the uploaded
/// assemblies its types come from.
/// </summary>
/// <param name="TypeName">The value's type, for messages.</param>
/// <param name="Uploaded">The uploaded assemblies the receiver needs to rebuild it.</param>
/// <param name="Data">The text's UTF-8 bytes (<c>byte[]</c>), or a <see cref="Bulk.BulkRef"/> to them when large.</param>
[GenerateSerializer, Immutable, Alias("op.UserValue")]
public sealed record UserValue(
    [property: Id(0)] string TypeName,
    [property: Id(1)] IReadOnlyList<AssemblyRef> Uploaded,
    [property: Id(2)] object Data);
