using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Grains.Checkpoints;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Grains.Execution;
using Orleans.Parallel.Grains.Execution.Scripts;
using Orleans.Parallel.Grains.Isolation.Protocol;
using Orleans.Serialization;

namespace Orleans.Parallel.Grains.Isolation.Child;

/// <summary>
/// The program of an isolated engine's process (<c>Orleans.Parallel.EngineProcess</c> calls it): connects
/// twice to the socket its silo named (tasks, then control), then runs that silo's tasks until the
/// silo closes the connection or kills it. It holds no Orleans runtime: the silo does every cluster call for it.
/// </summary>
internal static class EngineProcessMain
{
    /// <summary>Runs the process; <paramref name="args"/> is <c>--socket PATH</c>.</summary>
    public static int Run(string[] args)
    {
        var at = Array.IndexOf(args, "--socket");
        if (at < 0 || at + 1 >= args.Length)
        {
            Console.Error.WriteLine("An engine process is started by its silo (isolated engines), with --socket PATH.");
            return 2;
        }
        // Two connections, in this order: tasks (and everything the process says), then control.
        var tasksSocket = Connect(args[at + 1]);
        var controlSocket = Connect(args[at + 1]);
        var limit = Array.IndexOf(args, "--max-message-bytes") is var l and >= 0 && l + 1 < args.Length && long.TryParse(args[l + 1], out var bytes)
            ? bytes
            : Orleans.Parallel.Wire.MessageSize.DefaultLimit;
        using var services = Services().AddSingleton(new ChildLimits(limit)).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        using var tasks = new FrameChannel(tasksSocket, serializer);
        using var control = new FrameChannel(controlSocket, serializer);
        services.GetRequiredService<ParentLink>().Attach(tasks);
        services.GetRequiredService<ChildEngine>().Serve(tasks, control);
        // The silo closed the connection (it stops this engine, or it died): whatever still runs ends with the process.
        return 0;
    }

    private static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>The silo's execution services, with the cluster reached through the silo.</summary>
    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddSerializer(serializer => serializer.AddAssembly(typeof(Orleans.Parallel.Engine.EngineTask).Assembly).AddAssembly(typeof(Frame).Assembly));
        services.AddSingleton<ParentLink>();
        services.AddSingleton<IAssemblySource>(sp => sp.GetRequiredService<ParentLink>());
        services.AddSingleton<ICheckpointStore>(sp => sp.GetRequiredService<ParentLink>());
        services.AddSingleton<SessionCodeRegistry>();
        services.AddSingleton<FunctionMaterializer>();
        services.AddSingleton<ScriptCompiler>();
        services.AddSingleton<NamespaceCheckpoints>();
        services.AddSingleton<IWireValues, ChildWireValues>();
        // Results are checked against the silo's message size there, once their arrays are offered in bulk.
        services.AddSingleton<IOptions<MessagingOptions>>(Options.Create<MessagingOptions>(new SiloMessagingOptions { MaxMessageBodySize = int.MaxValue }));
        services.AddSingleton<TaskExecutor>();
        services.AddSingleton<ChildEngine>();
        return services;
    }
}
