using Orleans.Parallel.Bulk;
using Orleans.Parallel.Connection;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Tests.Bulk;

/// <summary>Which values the client sends on the bulk path, and which ride in the message.</summary>
public sealed class OutgoingValuesTests
{
    private static readonly BulkEndpoint Endpoint = new("127.0.0.1", 1, new byte[BulkProtocol.KeyLength]);

    [Fact]
    public void LargePrimitiveArray_BecomesBulkRefForTheEngineSilo()
    {
        using var bulk = new BulkClient(null);
        var values = new OutgoingValues(bulk, Endpoint);
        var data = new double[BulkProtocol.Threshold / sizeof(double)];

        var wire = Assert.IsType<BulkRef>(values.Pack(data));
        Assert.Equal("System.Double", wire.ElementType);
        Assert.Equal(BulkProtocol.Threshold, wire.ByteLength);
        Assert.Null(wire.Source);
        Assert.True(values.HasBulk);
        Assert.False(values.HoldsReferences);
    }

    [Fact]
    public void SliceOfLargeArray_SendsOnlyItsBytes()
    {
        using var bulk = new BulkClient(null);
        var values = new OutgoingValues(bulk, Endpoint);
        var data = new int[1_000_000];

        var wire = Assert.IsType<BulkRef>(values.Pack(new ArraySlice(data, 10, 200_000)));
        Assert.Equal(800_000, wire.ByteLength);
    }

    [Fact]
    public void SmallArray_IsPackedIntoTheMessage()
    {
        using var bulk = new BulkClient(null);
        var values = new OutgoingValues(bulk, Endpoint);

        var wire = Assert.IsType<PackedArray>(values.Pack(new double[10]));
        Assert.Equal(80, wire.Data.Length);
        Assert.False(values.HasBulk);
    }

    [Fact]
    public void NoBulkEndpoint_LargeArrayIsPackedInstead()
    {
        using var bulk = new BulkClient(null);
        var values = new OutgoingValues(bulk, endpoint: null);

        Assert.IsType<PackedArray>(values.Pack(new byte[BulkProtocol.Threshold * 2]));
    }

    [Fact]
    public void MutableObject_IsHeldByReference_ImmutableValuesAreNot()
    {
        using var bulk = new BulkClient(null);
        var values = new OutgoingValues(bulk, Endpoint);
        foreach (var immutable in new object?[] { null, 1, "s", 2.5m, DateTime.UnixEpoch, Guid.Empty, DayOfWeek.Friday })
            Assert.Same(immutable, values.Pack(immutable));
        Assert.False(values.HoldsReferences);

        var list = new List<int> { 1 };
        Assert.Same(list, values.Pack(list));
        Assert.True(values.HoldsReferences);
    }
}
