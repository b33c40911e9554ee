using Orleans.Parallel.Functions;

namespace Orleans.Parallel.Tests.Functions;

/// <summary>
/// Which of a client's assemblies travel to engines as bytes, and which silos load by name: the shared
/// frameworks (.NET, and ASP.NET Core, which silos host too), the client library's own, and the silo's
/// own assemblies go by name; the user's code goes as bytes.
/// </summary>
public sealed class ShippedAssemblyTests
{
    [Fact]
    public void SharedFrameworks_ClientLibrary_AndTheSilosOwn_GoByName()
    {
        Assert.Null(ShippedAssembly.Of(typeof(object).Assembly).Bytes);
        // A web app that is a client (or a test that hosts a web server) must not upload ASP.NET Core with
        // its first function: it did, tens of megabytes to every silo per session.
        Assert.Null(ShippedAssembly.Of(typeof(Microsoft.AspNetCore.Builder.WebApplication).Assembly).Bytes);
        Assert.Null(ShippedAssembly.Of(typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly).Bytes);
        Assert.Null(ShippedAssembly.Of(typeof(ParallelClient).Assembly).Bytes);
        Assert.Null(ShippedAssembly.Of(typeof(Orleans.Parallel.Grains.Engine.EngineGrain).Assembly).Bytes);
        Assert.Null(ShippedAssembly.Of(typeof(Orleans.Parallel.Hosting.SiloSettings).Assembly).Bytes);
    }

    [Fact]
    public void UsersCode_GoesAsBytes()
    {
        var shipped = ShippedAssembly.Of(typeof(ShippedAssemblyTests).Assembly);
        Assert.NotNull(shipped.Bytes);
        Assert.NotNull(shipped.Reference.ContentHash);
    }
}
