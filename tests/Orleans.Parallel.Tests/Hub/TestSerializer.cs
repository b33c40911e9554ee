using Microsoft.Extensions.DependencyInjection;
using Orleans.Parallel.Hub;
using Orleans.Serialization;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>An Orleans serializer that knows the project's types, as a silo's does, for stores made outside a silo.</summary>
internal static class TestSerializer
{
    private static readonly Lazy<Serializer> Shared = new(() =>
        new ServiceCollection()
            .AddSerializer(builder => builder.AddAssembly(typeof(TaskRecord).Assembly))
            .BuildServiceProvider()
            .GetRequiredService<Serializer>());

    public static Serializer Instance => Shared.Value;
}
