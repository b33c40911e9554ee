using System.Runtime.CompilerServices;

namespace Orleans.Parallel.Connection;

/// <summary>
/// Refuses to start where code cannot be generated at run time (native AOT, or AOT's feature switches,
/// which a file-based app gets by default even under <c>dotnet run</c>). Orleans builds serializers and
/// proxies at run time; without this check the client fails deep inside dependency injection, and a
/// silo waits minutes to join its cluster before it gives up.
/// </summary>
internal static class DynamicCodeCheck
{
    public static void ThrowIfUnsupported()
    {
        if (RuntimeFeature.IsDynamicCodeSupported) return;
        throw new PlatformNotSupportedException(
            "Orleans.Parallel cannot run as native AOT, and this app runs with AOT's settings (dynamic code is off). " +
            "In a file-based app (dotnet run app.cs) add the line `#:property PublishAot=false`; in a project, remove <PublishAot>true</PublishAot>.");
    }
}
