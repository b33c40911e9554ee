using Orleans.Parallel.Grains.Scheduling.Schemes;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>The scheme choosers, pure: which index each picks for given loads (least recently used first).</summary>
public sealed class SchemesTests
{
    [Theory]
    [InlineData(new[] { 3, 1, 2, 1 }, 1)]
    [InlineData(new[] { 0, 0, 0 }, 0)]
    [InlineData(new[] { 5, 4, 3, 2, 1 }, 4)]
    [InlineData(new[] { 7 }, 0)]
    public void LeastLoad_GivenLoads_PicksFirstMinimum(int[] loads, int expected)
    {
        Assert.Equal(expected, new LeastLoadScheme().Choose(loads, new Random(1)));
    }

    [Theory]
    [InlineData(new[] { 9, 0, 0 })]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 1, 2, 3, 4 })]
    public void Lru_AnyLoads_PicksLeastRecentlyUsed(int[] loads)
    {
        Assert.Equal(0, new LruScheme().Choose(loads, new Random(1)));
    }

    [Fact]
    public void TwoBin_SeededDraws_ReturnsMinimumOfTwoDraws()
    {
        var scheme = new TwoBinScheme();
        int[] loads = [1, 1, 1, 1, 1];
        var chooser = new Random(42);
        var mirror = new Random(42);
        for (var i = 0; i < 500; i++)
        {
            var expected = Math.Min(mirror.Next(loads.Length), mirror.Next(loads.Length));
            Assert.Equal(expected, scheme.Choose(loads, chooser));
        }
    }

    [Fact]
    public void TwoBin_ManyDraws_StaysInRangeAndFavoursLowIndices()
    {
        var scheme = new TwoBinScheme();
        var random = new Random(7);
        int[] loads = [0, 0, 0, 0];
        var counts = new int[loads.Length];
        for (var i = 0; i < 4000; i++)
        {
            var chosen = scheme.Choose(loads, random);
            Assert.InRange(chosen, 0, loads.Length - 1);
            counts[chosen]++;
        }
        // The minimum of two uniform draws over 4: P(0) = 7/16, P(3) = 1/16.
        Assert.True(counts[0] > counts[3], $"counts: [{string.Join(", ", counts)}]");
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Fact]
    public void TwoBin_OneEngine_ReturnsIt()
    {
        Assert.Equal(0, new TwoBinScheme().Choose([3], new Random(3)));
    }

    [Fact]
    public void Weighted_OneIdleAmongBusy_IdleWinsMost()
    {
        var scheme = new WeightedScheme();
        var random = new Random(11);
        var counts = new int[3];
        for (var i = 0; i < 1000; i++)
        {
            var chosen = scheme.Choose([5, 0, 5], random);
            Assert.InRange(chosen, 0, 2);
            counts[chosen]++;
        }
        Assert.True(counts[1] > 990, $"counts: [{string.Join(", ", counts)}]");
    }

    [Fact]
    public void Weighted_EqualLoads_EveryIndexReachable()
    {
        var scheme = new WeightedScheme();
        var random = new Random(5);
        var seen = new HashSet<int>();
        for (var i = 0; i < 1000; i++) seen.Add(scheme.Choose([2, 2, 2, 2], random));
        Assert.Equal([0, 1, 2, 3], seen.Order());
    }

    [Fact]
    public void Weighted_LighterOfTwo_NeverPicksHeavierThanBothDraws()
    {
        // With loads [1, 100], the heavier engine is chosen only when both draws land on it.
        var scheme = new WeightedScheme();
        var random = new Random(9);
        var heavy = 0;
        for (var i = 0; i < 1000; i++)
            if (scheme.Choose([1, 100], random) == 1) heavy++;
        Assert.True(heavy < 10, $"the heavy engine was chosen {heavy} times of 1000");
    }

    [Fact]
    public void PlainRandom_ManyDraws_CoversAllIndices()
    {
        var scheme = new PlainRandomScheme();
        var random = new Random(3);
        var counts = new int[5];
        for (var i = 0; i < 1000; i++)
        {
            var chosen = scheme.Choose([9, 0, 3, 0, 1], random);
            Assert.InRange(chosen, 0, 4);
            counts[chosen]++;
        }
        Assert.All(counts, c => Assert.True(c > 100, $"counts: [{string.Join(", ", counts)}]"));
    }

    [Theory]
    [InlineData("LRU", typeof(LruScheme))]
    [InlineData("lru", typeof(LruScheme))]
    [InlineData("LeastLoad", typeof(LeastLoadScheme))]
    [InlineData("PLAINRANDOM", typeof(PlainRandomScheme))]
    [InlineData("TwoBin", typeof(TwoBinScheme))]
    [InlineData("weighted", typeof(WeightedScheme))]
    public void Get_AnyCase_ReturnsTheScheme(string name, Type expected)
    {
        Assert.IsType(expected, SchedulingSchemes.Get(name));
    }

    [Fact]
    public void Get_Default_IsLeastLoad()
    {
        Assert.IsType<LeastLoadScheme>(SchedulingSchemes.Get(SchedulingSchemes.Default));
    }

    [Fact]
    public void Get_UnknownName_ThrowsNamingKnownSchemes()
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulingSchemes.Get("roundrobin"));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("roundrobin", e.Message);
        foreach (var known in new[] { "leastload", "lru", "plainrandom", "twobin", "weighted" })
            Assert.Contains(known, e.Message);
    }
}
