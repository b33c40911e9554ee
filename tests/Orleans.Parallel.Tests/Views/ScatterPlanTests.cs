using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Views;

/// <summary>How <see cref="ScatterPlan"/> cuts a sequence: ipyparallel's contiguous blocks, the first count % parts one longer.</summary>
public sealed class ScatterPlanTests
{
    [Fact]
    public void Split_TenOverFour_FirstTwoBlocksOneLonger()
    {
        Assert.Equal([(0, 3), (3, 3), (6, 2), (8, 2)], ScatterPlan.Split(10, 4));
    }

    [Fact]
    public void Split_EvenCount_EqualBlocks()
    {
        Assert.Equal([(0, 2), (2, 2), (4, 2), (6, 2)], ScatterPlan.Split(8, 4));
    }

    [Fact]
    public void Split_FewerItemsThanParts_TrailingBlocksEmpty()
    {
        Assert.Equal([(0, 1), (1, 1), (2, 0), (2, 0)], ScatterPlan.Split(2, 4));
    }

    [Fact]
    public void Split_ZeroItems_AllBlocksEmpty()
    {
        Assert.Equal([(0, 0), (0, 0), (0, 0)], ScatterPlan.Split(0, 3));
    }

    [Fact]
    public void Split_OnePart_WholeSequence()
    {
        Assert.Equal([(0, 7)], ScatterPlan.Split(7, 1));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 4)]
    [InlineData(99, 7)]
    [InlineData(1000, 3)]
    [InlineData(1_000_001, 4)]
    [InlineData(3, 10)]
    public void Split_AnyCount_BlocksAreContiguousAndCoverEverythingOnce(int count, int parts)
    {
        var blocks = ScatterPlan.Split(count, parts);

        Assert.Equal(parts, blocks.Length);
        var offset = 0;
        for (var i = 0; i < parts; i++)
        {
            Assert.Equal(offset, blocks[i].Offset);
            var expected = count / parts + (i < count % parts ? 1 : 0);
            Assert.Equal(expected, blocks[i].Length);
            offset += blocks[i].Length;
        }
        Assert.Equal(count, offset);
    }

    [Fact]
    public void Split_NegativeCount_ThrowsArgumentOutOfRange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ScatterPlan.Split(-1, 4));
        Assert.Equal("count", error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Split_NoParts_ThrowsArgumentOutOfRange(int parts)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ScatterPlan.Split(10, parts));
        Assert.Equal("parts", error.ParamName);
    }
}
