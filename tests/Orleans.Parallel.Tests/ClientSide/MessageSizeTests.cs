using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Connection;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;
using Orleans.Parallel.Tests.Hub;
using Orleans.Parallel.Values;
using Orleans.Parallel.Wire;
using Orleans.Serialization;

namespace Orleans.Parallel.Tests.ClientSide;

/// <summary>
/// <see cref="MessageSize"/>: a lower bound of what Orleans writes for a message's values (never more,
/// so nothing that fits is refused), close enough to catch what does not fit: long text, collections of
/// many elements, arrays that ride in the message, user values' text, captures.
/// </summary>
public sealed class MessageSizeTests
{
    private static Serializer Codec => TestSerializer.Instance;

    private static int Written(object? value) => Codec.SerializeToArray(value).Length;

    private static int Written(EngineRequest request) => Codec.SerializeToArray(request).Length;

    private static readonly BulkEndpoint Endpoint = new("127.0.0.1", 1, new byte[BulkProtocol.KeyLength]);

    private static FunctionPayload Function(object? target) =>
        new(new AssemblyRef("a", Guid.Empty, null), "T", 1, "M", [], [], "D", target, []);

    [Fact]
    public void String_CountsAtLeastItsLength_UnicodeToo()
    {
        var ascii = new string('x', 10_000);
        var greek = new string('λ', 10_000); // two UTF-8 bytes each
        var emoji = string.Concat(Enumerable.Repeat("😀", 5_000)); // surrogate pairs: four bytes per two units

        Assert.InRange(MessageSize.Of(ascii), 10_000, Written(ascii));
        Assert.InRange(MessageSize.Of(greek), 10_000, Written(greek));
        Assert.InRange(MessageSize.Of(emoji), 10_000, Written(emoji));
    }

    [Fact]
    public void NestedCollections_CountEveryStringInThem()
    {
        var value = new Dictionary<string, object?>
        {
            ["rows"] = new List<object?> { new string('a', 3000), new object[] { new string('b', 4000), 1, 2.5 }, null },
            ["tags"] = new HashSet<string> { new string('c', 5000) },
            ["pair"] = Tuple.Create(new string('d', 6000), 7),
            ["names"] = new[] { new string('e', 7000), new string('f', 8000) },
        };

        Assert.InRange(MessageSize.Of(value), 33_000, Written(value));
    }

    [Fact]
    public void CollectionsOfNumbers_CountAtLeastAByteAnElementAndTheirFixedWidth()
    {
        var ints = Enumerable.Range(0, 100_000).ToList();
        var doubles = new HashSet<double>(Enumerable.Range(0, 100_000).Select(i => i * 0.5));
        var decimals = Enumerable.Range(0, 10_000).Select(i => (decimal)i).ToArray(); // not a bulk type: always in the message
        var grid = new double[300, 300]; // not one-dimensional: in the message, element by element

        Assert.InRange(MessageSize.Of(ints), 100_000, Written(ints));
        Assert.InRange(MessageSize.Of(doubles), 900_000, Written(doubles));
        Assert.InRange(MessageSize.Of(decimals), 170_000, Written(decimals));
        Assert.InRange(MessageSize.Of(grid), 9 * 90_000, Written(grid));
    }

    [Fact]
    public void ArrayFromTheBulkThreshold_GoesInBulk_AndWeighsAlmostNothing()
    {
        using var bulk = new BulkClient(null);
        var atThreshold = new double[BulkProtocol.Threshold / sizeof(double)];

        var wire = new OutgoingValues(bulk, Endpoint).Pack(atThreshold);

        Assert.IsType<BulkRef>(wire);
        Assert.InRange(MessageSize.Of(wire), 1, 100);
    }

    [Fact]
    public void ArrayBelowTheThreshold_OrWithNoBulkPath_IsItsBytes()
    {
        using var bulk = new BulkClient(null);
        var below = new double[BulkProtocol.Threshold / sizeof(double) - 1];
        var large = new double[1_000_000];

        var packed = new OutgoingValues(bulk, Endpoint).Pack(below);
        var noBulk = new OutgoingValues(bulk, endpoint: null).Pack(large); // the engine's silo has no bulk path: packed whatever its size

        Assert.IsType<PackedArray>(packed);
        Assert.InRange(MessageSize.Of(packed), BulkProtocol.Threshold - sizeof(double), Written(packed));
        Assert.InRange(MessageSize.Of(noBulk), 8_000_000, Written(noBulk));
    }

    [Fact]
    public void ArrayInsideAnotherValue_RidesInTheMessage_AndCounts()
    {
        // Only an array that is a value of its own goes in bulk; one inside a list is Orleans' to write.
        var value = new object[] { new double[100_000], new byte[50_000], new int[10_000] };
        Assert.InRange(MessageSize.Of(value), 900_000 + 50_000 + 10_000, Written(value));
    }

    private sealed class Customer
    {
        public string Name = "";
        public List<string> Notes = [];
        public double[] Scores = [];
    }

    [Fact]
    public void UserObject_CountsItsText_OrNothingOnceItsTextGoesInBulk()
    {
        var customer = new Customer { Name = new string('n', 20_000), Notes = [new string('o', 30_000)], Scores = new double[1000] };
        var text = GraphCodec.Serialize(customer, _ => { });
        var inMessage = new UserValue(typeof(Customer).FullName!, [], text);
        var inBulk = new UserValue(typeof(Customer).FullName!, [], new BulkRef(Guid.NewGuid(), "System.Byte", text.Length, Endpoint));

        Assert.InRange(MessageSize.Of(inMessage), Math.Max(text.Length, 50_000), Written(inMessage));
        Assert.InRange(MessageSize.Of(inBulk), 1, 100);
    }

    [Fact]
    public void ObjectMetTwice_CountsOnce_AsOrleansWritesIt()
    {
        var shared = new string('s', 600);
        var twice = new PushRequest(new Dictionary<string, object?> { ["a"] = shared, ["b"] = new object[] { shared, shared } });

        Assert.True(MessageSize.Estimate(twice) > 1000); // the first, quick count does not look for repeats
        Assert.Null(MessageSize.Exceeds(twice, 1000)); // the count that refuses does
        Assert.True(Written(twice) < 1000);

        var copies = new PushRequest(new Dictionary<string, object?> { ["a"] = shared, ["b"] = new string('s', 600) });
        Assert.NotNull(MessageSize.Exceeds(copies, 1000)); // equal text in two strings is written twice
    }

    [Fact]
    public void Cycle_IsCountedOnce()
    {
        var loop = new object?[3];
        loop[0] = new string('x', 1000);
        loop[1] = loop;
        loop[2] = new List<object?> { loop };

        Assert.InRange(MessageSize.Of(loop), 1000, Written(loop));
        Assert.InRange(MessageSize.Estimate(new PushRequest(new Dictionary<string, object?> { ["l"] = loop })), 1000, 10_000);
    }

    [Fact]
    public void Exceeds_NamesTheValueThatWeighsMost()
    {
        var big = new string('x', 5000);
        Assert.Equal("variable 'b'", MessageSize.Exceeds(new PushRequest(new Dictionary<string, object?> { ["a"] = 1, ["b"] = big }), 4000)?.What);
        Assert.Equal("argument 1", MessageSize.Exceeds(new ApplyRequest(Function(null), ["small", big]), 4000)?.What);
        Assert.Equal("the function's captured values", MessageSize.Exceeds(
            new ApplyRequest(Function(new ClosureValue(0, "C", [new ClosureField("text", big)])), [1]), 4000)?.What);
        Assert.Equal("the script's code", MessageSize.Exceeds(new ExecuteRequest(big), 4000)?.What);
        Assert.Equal("the map's items", MessageSize.Exceeds(new MapRequest(Function(null), new[] { big, "y" }), 4000)?.What);

        var excess = MessageSize.Exceeds(new ExecuteRequest(big), 4000)!.Value;
        Assert.InRange(excess.Bytes, 5000, Written(new ExecuteRequest(big)));
    }

    [Fact]
    public void SeveralValues_CountTogether()
    {
        var request = new ApplyRequest(Function(null), [new string('a', 3000), new string('b', 3000)]);
        Assert.NotNull(MessageSize.Exceeds(request, 5000));
        Assert.Null(MessageSize.Exceeds(request, Written(request)));
    }

    [Fact]
    public void PartsOfAReply_CountTogether()
    {
        Assert.Null(MessageSize.Exceeds(5000, ("the task's result", new string('r', 3000)), ("the script's result", null)));
        var excess = MessageSize.Exceeds(5000, ("the task's result", new string('r', 3000)), ("the script's result", new string('s', 4000)));
        Assert.Equal("the script's result", excess?.What);
    }

    /// <summary>The property that matters: whatever the value, no more than Orleans writes, so nothing that fits is refused.</summary>
    [Fact]
    public void RandomValues_NeverCountMoreThanOrleansWrites()
    {
        var random = new Random(17);
        for (var i = 0; i < 400; i++)
        {
            var pool = new List<object>();
            var value = RandomValue(random, depth: 0, pool);
            var request = new PushRequest(new Dictionary<string, object?> { ["v"] = value, ["w"] = pool.Count > 0 ? pool[random.Next(pool.Count)] : null });
            var written = Written(request);

            Assert.True(MessageSize.Of(value) <= Written(value), $"value {i}: counted {MessageSize.Of(value)}, Orleans wrote {Written(value)}");
            Assert.True(MessageSize.Exceeds(request, written) is null, $"request {i} of {written} bytes refused at its own size");
            Assert.True(MessageSize.Exceeds(request, MessageSize.Estimate(request)) is null, $"request {i}: the exact count passes the quick one");
        }
    }

    private static object? RandomValue(Random random, int depth, List<object> pool)
    {
        var pick = random.Next(depth > 3 ? 9 : 16);
        object? value = pick switch
        {
            0 => null,
            1 => random.Next(),
            2 => random.NextDouble(),
            3 => (decimal)random.NextDouble(),
            4 => Guid.NewGuid(),
            5 => RandomText(random),
            6 => pool.Count > 0 && pool[random.Next(pool.Count)] is string s ? s : RandomText(random), // the same string again
            7 => Enumerable.Range(0, random.Next(200)).Select(_ => random.Next()).ToArray(),
            8 => PackedArray.Pack(Enumerable.Range(0, random.Next(500)).Select(_ => random.NextDouble()).ToArray()),
            9 => Enumerable.Range(0, random.Next(6)).Select(_ => RandomValue(random, depth + 1, pool)).ToArray(),
            10 => Enumerable.Range(0, random.Next(6)).Select(_ => RandomValue(random, depth + 1, pool)).ToList(),
            11 => Enumerable.Range(0, random.Next(6)).ToDictionary(k => "k" + k + RandomText(random), _ => RandomValue(random, depth + 1, pool)),
            12 => Enumerable.Range(0, random.Next(6)).Select(_ => RandomText(random)).ToList(),
            13 => Tuple.Create(RandomValue(random, depth + 1, pool), RandomText(random)),
            14 => pool.Count > 0 ? pool[random.Next(pool.Count)] : new byte[random.Next(1000)], // an object met again
            _ => ImmutableArray.Create(Enumerable.Range(0, random.Next(50)).Select(_ => RandomText(random)).ToArray()),
        };
        if (value is not null && value is not ValueType) pool.Add(value);
        return value;
    }

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        var length = random.Next(4) == 0 ? random.Next(3000) : random.Next(20);
        for (var i = 0; i < length; i++)
            text.Append(random.Next(4) switch
            {
                0 => (char)random.Next(32, 127),
                1 => (char)random.Next(0x80, 0x800),
                2 => (char)random.Next(0x800, 0xD800),
                _ => (char)random.Next(0xD800, 0xE000), // a lone surrogate: UTF-8 writes a three-byte replacement
            });
        return text.ToString();
    }

    [Fact]
    public void ACommonRequest_IsCountedWithoutAllocating()
    {
        var request = new ApplyRequest(Function(null), [42, "text", PackedArray.Pack(new double[100]), Enumerable.Range(0, 100).ToList(), new object[] { 1, "two", 3.0 }]);
        MessageSize.Exceeds(request, MessageSize.DefaultLimit); // types classified once
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) Assert.Null(MessageSize.Exceeds(request, MessageSize.DefaultLimit));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>An Orleans client (built, not connected) whose options set <c>MaxMessageBodySize</c>, or leave it alone.</summary>
    private static IHost ClientHost(int? maxMessageBodySize)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering();
            if (maxMessageBodySize is { } max) client.Configure<ClientMessagingOptions>(o => o.MaxMessageBodySize = max);
        });
        return builder.Build();
    }

    [Fact]
    public void TheClientsOwnLimit_IsTheOneThatRefuses()
    {
        using var bulk = new BulkClient(null);
        using var standard = ClientHost(maxMessageBodySize: null);
        using var raised = ClientHost(maxMessageBodySize: 300 * 1024 * 1024);
        var byDefault = new TaskDispatcher(standard.Services.GetRequiredService<IClusterClient>(), Guid.NewGuid(), bulk);
        var byOption = new TaskDispatcher(raised.Services.GetRequiredService<IClusterClient>(), Guid.NewGuid(), bulk);
        var request = new PushRequest(new Dictionary<string, object?> { ["s"] = new string('x', 110_000_000) });

        Assert.Equal(MessageSize.DefaultLimit, byDefault.MaxMessageBodySize);
        Assert.Equal(300 * 1024 * 1024, byOption.MaxMessageBodySize);
        var message = byDefault.Track(0);
        var error = Assert.Throws<MessageTooLargeException>(() => byDefault.CheckSize(request, [message]));
        Assert.Same(error, message.LocalError); // the message failed with it, and is no longer outstanding
        Assert.Empty(byDefault.Outstanding);
        byOption.CheckSize(request, []); // a user who raised the limit may send it
    }

    [Fact]
    public void Refusal_NamesTheSizeTheLimitAndTheWaysAround()
    {
        var error = new MessageTooLargeException(new MessageSize.Excess(110_000_002, "variable 's'"), MessageSize.DefaultLimit);

        Assert.IsAssignableFrom<ArgumentException>(error);
        Assert.Equal(110_000_002, error.Bytes);
        Assert.Equal(MessageSize.DefaultLimit, error.Limit);
        Assert.StartsWith("The message would be at least 110,000,002 bytes, most of them in variable 's': more than the 104,857,600 bytes", error.Message);
        foreach (var part in new[] { "MaxMessageBodySize", "100 MiB by default", "nothing was sent", "in bulk, at any size", "byte[]", "char[]", "split the value", "on every silo" })
            Assert.Contains(part, error.Message);
    }

    [Fact]
    public void ResultRefusal_NamesTheLimitAndTheWaysAround()
    {
        var text = MessageSize.Describe(new MessageSize.Excess(150_000_002, "the task's result"), MessageSize.DefaultLimit, result: true);
        Assert.StartsWith("The task's result is at least 150,000,002 bytes, more than the 104,857,600 bytes", text);
        foreach (var part in new[] { "MaxMessageBodySize", "byte[]", "char[]", "in parts", "every silo" })
            Assert.Contains(part, text);
    }
}
