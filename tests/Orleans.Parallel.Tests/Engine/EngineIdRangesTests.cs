using Orleans.Parallel.Registry;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>Engine ids as the ready line and error messages print them.</summary>
public sealed class EngineIdRangesTests
{
    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 4 }, "4")]
    [InlineData(new[] { 0, 1 }, "0, 1")]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 9, 8, 0, 1, 2, 3, 5 }, "0-3, 5, 8, 9")]
    [InlineData(new[] { 2, 2, 3, 7 }, "2, 3, 7")]
    public void Format_RunsOfThreeOrMoreAsRanges(int[] ids, string expected) => Assert.Equal(expected, EngineIdRanges.Format(ids));

    [Fact]
    public void Format_TenThousandIds_IsOneRange() => Assert.Equal("0-9999", EngineIdRanges.Format(Enumerable.Range(0, 10_000)));
}
