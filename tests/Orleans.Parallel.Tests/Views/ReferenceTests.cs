using Orleans.Parallel.Views;

namespace Orleans.Parallel.Tests.Views;

/// <summary><see cref="Reference{T}"/> and <see cref="Arg{T}"/> check their input on the client, before anything is sent.</summary>
public sealed class ReferenceTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("_x1")]
    [InlineData("Données")]
    public void Constructor_ValidIdentifier_KeepsName(string name)
    {
        var reference = new Reference<int[]>(name);
        Assert.Equal(name, reference.Name);
        Assert.Equal($"Reference('{name}')", reference.ToString());
    }

    [Fact]
    public void Constructor_NullName_ThrowsArgumentException()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new Reference<int>(null!));
        Assert.Equal("name", error.ParamName);
    }

    [Fact]
    public void Constructor_EmptyName_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => new Reference<int>(""));
        Assert.Equal("name", error.ParamName);
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("a b")]
    [InlineData("a-b")]
    [InlineData("x.y")]
    public void Constructor_NotAnIdentifier_ThrowsArgumentExceptionNamingIt(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new Reference<int>(name));
        Assert.Equal("name", error.ParamName);
        Assert.Contains($"'{name}'", error.Message);
    }

    [Fact]
    public void ArgConversion_NullReference_ThrowsArgumentNullException()
    {
        Reference<int>? missing = null;
        Assert.Throws<ArgumentNullException>(() => { Arg<int> arg = missing!; return arg; });
    }
}
