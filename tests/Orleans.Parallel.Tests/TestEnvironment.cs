using System.Runtime.CompilerServices;
using Orleans.Parallel.Security;

namespace Orleans.Parallel.Tests;

/// <summary>
/// Keeps the tests' connection files (and the credentials in them) out of the user's own folder: every
/// silo this test run starts, in process or as a child process (which inherits the variable), writes
/// under a folder of its own, removed at exit.
/// </summary>
internal static class TestEnvironment
{
    public static string Home { get; } = Path.Combine(Path.GetTempPath(), $"op-tests-{Environment.ProcessId}");

    [ModuleInitializer]
    internal static void Initialize()
    {
        // This assembly also travels to silos, as the home of the functions the tests send: there it
        // loads into a client session's context, where it must change nothing (a handler on ProcessExit
        // would keep that context, and the 1.8 MB assembly, loaded for as long as the silo lives).
        if (System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(typeof(TestEnvironment).Assembly) != System.Runtime.Loader.AssemblyLoadContext.Default) return;
        Environment.SetEnvironmentVariable(ConnectionFile.HomeVariable, Home);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(Home, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
    }
}
