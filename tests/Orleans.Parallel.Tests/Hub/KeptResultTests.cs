using System.Text;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Grains.Hub;
using Orleans.Parallel.Hub;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// What a task record keeps of a result: plain results as they are, arrays sent in bulk as a copy
/// of the offered array (up to a limit), and a <see cref="ResultNotKept"/> past the limit or when
/// the array is gone.
/// </summary>
public sealed class KeptResultTests
{
    private const long Plenty = 1L << 30;

    private static BulkRef RefTo(Array array, Guid? token = null) =>
        new(token ?? Guid.NewGuid(), array.GetType().GetElementType()!.FullName!, Buffer.ByteLength(array), null);

    /// <summary>An outbox of its own: offers arrays by token and counts the look-ups.</summary>
    private sealed class Outbox
    {
        private readonly Dictionary<Guid, Array> _arrays = [];
        public int Calls { get; private set; }

        public BulkRef Offer(Array array)
        {
            var bulk = RefTo(array);
            _arrays[bulk.Token] = array;
            return bulk;
        }

        public Array? Offered(Guid token)
        {
            Calls++;
            return _arrays.GetValueOrDefault(token);
        }
    }

    private static Array? NeverAsked(Guid token) => throw new InvalidOperationException($"the outbox was asked for {token}");

    [Theory]
    [InlineData(null)]
    [InlineData(42)]
    [InlineData("text")]
    public void PlainResult_ReturnedAsIs_OutboxNotAsked(object? result)
    {
        Assert.Same(result, KeptResult.Of(result, NeverAsked, Plenty));
    }

    [Fact]
    public void PlainArrays_ReturnedAsTheSameInstance()
    {
        var doubles = new[] { 1.0, 2.0 };
        var strings = new[] { "a", "b" }; // a string[] is an object?[] by covariance, but holds no bulk
        var mixed = new object?[] { 1, "two", null, new[] { 3 } };

        Assert.Same(doubles, KeptResult.Of(doubles, NeverAsked, Plenty));
        Assert.Same(strings, KeptResult.Of(strings, NeverAsked, Plenty));
        Assert.Same(mixed, KeptResult.Of(mixed, NeverAsked, Plenty));
    }

    [Fact]
    public void BulkRef_Offered_CopiedIntoPackedArray_WithTheSameBytes()
    {
        var outbox = new Outbox();
        var array = Enumerable.Range(0, 1000).Select(i => i * 0.5).ToArray();
        var bulk = outbox.Offer(array);

        var kept = Assert.IsType<PackedArray>(KeptResult.Of(bulk, outbox.Offered, Plenty));

        Assert.Equal(1, outbox.Calls);
        Assert.Equal("System.Double", kept.ElementType);
        Assert.Equal(8000, kept.Data.Length);
        var expected = new byte[8000];
        Buffer.BlockCopy(array, 0, expected, 0, expected.Length);
        Assert.Equal(expected, kept.Data);
        Assert.Equal(array, Assert.IsType<double[]>(PackedArray.Unpack(kept)));
    }

    [Fact]
    public void BulkRef_Offered_CopyIsIndependentOfTheOriginalArray()
    {
        var outbox = new Outbox();
        var array = new[] { 1, 2, 3, 4 };
        var kept = Assert.IsType<PackedArray>(KeptResult.Of(outbox.Offer(array), outbox.Offered, Plenty));

        array[0] = 99; // the engine's namespace variable changes after the task ended
        Array.Fill(array, -1, 1, 3);

        Assert.Equal(new[] { 1, 2, 3, 4 }, Assert.IsType<int[]>(PackedArray.Unpack(kept)));
    }

    [Fact]
    public void UserValue_WithBulkData_GetsAnIndependentByteArrayCopy()
    {
        var outbox = new Outbox();
        var text = Encoding.UTF8.GetBytes("{\"$type\":\"My.Point\",\"X\":1,\"Y\":2}");
        var original = text.ToArray();
        var uploaded = new[] { new AssemblyRef("My, Version=1.0.0.0", Guid.NewGuid(), "abc") };
        var user = new UserValue("My.Point", uploaded, outbox.Offer(text));

        var kept = Assert.IsType<UserValue>(KeptResult.Of(user, outbox.Offered, Plenty));

        Assert.Equal("My.Point", kept.TypeName);
        Assert.Same(uploaded, kept.Uploaded);
        var data = Assert.IsType<byte[]>(kept.Data);
        Assert.NotSame(text, data);
        Assert.Equal(original, data);
        text[0] = (byte)'X';
        Assert.Equal(original, data);
    }

    [Fact]
    public void UserValue_WithInlineData_ReturnedAsIs()
    {
        var user = new UserValue("My.Point", [], new byte[] { 1, 2, 3 });

        Assert.Same(user, KeptResult.Of(user, NeverAsked, Plenty));
    }

    [Fact]
    public void MemoryValue_WithBulkData_CopiedIntoPackedArray_KeepingReadOnly()
    {
        var outbox = new Outbox();
        var array = new long[] { 5, 6, 7 };
        var memory = new MemoryValue(outbox.Offer(array), ReadOnly: true);

        var kept = Assert.IsType<MemoryValue>(KeptResult.Of(memory, outbox.Offered, Plenty));

        Assert.True(kept.ReadOnly);
        var packed = Assert.IsType<PackedArray>(kept.Data);
        Assert.Equal("System.Int64", packed.ElementType);
        Assert.Equal(array, Assert.IsType<long[]>(PackedArray.Unpack(packed)));
    }

    [Fact]
    public void ObjectArray_MixingPlainValuesAndBulkRefs_CopiesEachBulkRef_KeepsTheRest()
    {
        var outbox = new Outbox();
        var doubles = new[] { 1.5, 2.5 };
        var bytes = new byte[] { 9, 8, 7 };
        var text = Encoding.UTF8.GetBytes("{}");
        var plain = new[] { 1, 2 };
        var several = new object?[]
        {
            "label", outbox.Offer(doubles), null, plain, outbox.Offer(bytes), new UserValue("T", [], outbox.Offer(text)), 7,
        };

        var kept = Assert.IsType<object?[]>(KeptResult.Of(several, outbox.Offered, Plenty));

        Assert.NotSame(several, kept);
        Assert.Equal(several.Length, kept.Length);
        Assert.Equal(3, outbox.Calls);
        Assert.Equal("label", kept[0]);
        Assert.Equal(doubles, PackedArray.Unpack(Assert.IsType<PackedArray>(kept[1])));
        Assert.Null(kept[2]);
        Assert.Same(plain, kept[3]);
        Assert.Equal(bytes, Assert.IsType<PackedArray>(kept[4]).Data);
        Assert.Equal(text, Assert.IsType<byte[]>(Assert.IsType<UserValue>(kept[5]).Data));
        Assert.Equal(7, kept[6]);
        Assert.IsType<BulkRef>(several[1]); // the result the client gets is untouched
    }

    [Fact]
    public void ObjectArray_NestedBulkRefs_AreCopied()
    {
        var outbox = new Outbox();
        var inner = new[] { 3.0f, 4.0f };
        var nested = new object?[] { 1, new object?[] { outbox.Offer(inner), "x" } };

        var kept = Assert.IsType<object?[]>(KeptResult.Of(nested, outbox.Offered, Plenty));

        var innerKept = Assert.IsType<object?[]>(kept[1]);
        Assert.Equal(inner, PackedArray.Unpack(Assert.IsType<PackedArray>(innerKept[0])));
        Assert.Equal("x", innerKept[1]);
    }

    [Fact]
    public void BulkRef_OverTheLimit_NotKept_OutboxNeverAsked()
    {
        var bulk = new BulkRef(Guid.NewGuid(), "System.Double", 8001, null);

        var kept = KeptResult.Of(bulk, NeverAsked, limit: 8000);

        Assert.Equal(new ResultNotKept("System.Double[]", 8001, 8000), kept);
    }

    [Fact]
    public void BulkRef_AtTheLimit_IsKept()
    {
        var outbox = new Outbox();
        var array = new double[1000];

        Assert.IsType<PackedArray>(KeptResult.Of(outbox.Offer(array), outbox.Offered, limit: 8000));
    }

    [Fact]
    public void UserValue_OverTheLimit_NotKept_NamedByItsType()
    {
        var user = new UserValue("My.Big", [], new BulkRef(Guid.NewGuid(), "System.Byte", 1_000_000, null));

        Assert.Equal(new ResultNotKept("My.Big", 1_000_000, 999_999), KeptResult.Of(user, NeverAsked, 999_999));
    }

    [Fact]
    public void MemoryValue_OverTheLimit_NotKept_NamedAsMemory()
    {
        var memory = new MemoryValue(new BulkRef(Guid.NewGuid(), "System.Int32", 400, null), ReadOnly: false);

        Assert.Equal(new ResultNotKept("Memory<System.Int32>", 400, 100), KeptResult.Of(memory, NeverAsked, 100));
    }

    [Fact]
    public void ObjectArray_TotalBulkBytesOverTheLimit_NotKept_EvenThoughEachFits()
    {
        var several = new object?[]
        {
            new BulkRef(Guid.NewGuid(), "System.Double", 600, null),
            "plain",
            new UserValue("T", [], new BulkRef(Guid.NewGuid(), "System.Byte", 300, null)),
            new MemoryValue(new BulkRef(Guid.NewGuid(), "System.Int16", 200, null), false),
        };

        Assert.Equal(new ResultNotKept("System.Object[]", 1100, 1000), KeptResult.Of(several, NeverAsked, 1000));
    }

    [Fact]
    public void BulkRef_Gone_NotKept_WithLimitZero()
    {
        var outbox = new Outbox();
        var gone = new BulkRef(Guid.NewGuid(), "System.Int32", 40, null); // never offered (or already fetched)

        Assert.Equal(new ResultNotKept("System.Int32[]", 40, 0), KeptResult.Of(gone, outbox.Offered, Plenty));
        Assert.Equal(1, outbox.Calls);
    }

    [Fact]
    public void UserValue_Gone_NotKept_WithLimitZero()
    {
        var user = new UserValue("My.Point", [], new BulkRef(Guid.NewGuid(), "System.Byte", 12, null));

        var kept = Assert.IsType<ResultNotKept>(KeptResult.Of(user, _ => null, Plenty));

        Assert.Equal(12, kept.ByteLength);
        Assert.Equal(0, kept.Limit);
    }

    [Fact]
    public void ObjectArray_OneBulkRefGone_OnlyThatElementNotKept()
    {
        var outbox = new Outbox();
        var here = new[] { 1, 2 };
        var several = new object?[] { outbox.Offer(here), new BulkRef(Guid.NewGuid(), "System.Double", 16, null) };

        var kept = Assert.IsType<object?[]>(KeptResult.Of(several, outbox.Offered, Plenty));

        Assert.Equal(here, PackedArray.Unpack(Assert.IsType<PackedArray>(kept[0])));
        Assert.Equal(new ResultNotKept("System.Double[]", 16, 0), kept[1]);
    }
}
