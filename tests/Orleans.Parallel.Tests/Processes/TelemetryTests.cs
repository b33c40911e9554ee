using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orleans.Parallel.Hosting;
using Orleans.Parallel.Telemetry;
using Orleans.Parallel.Testing;
using Orleans.Parallel.Tests.Cluster;
using Xunit.Abstractions;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// OpenTelemetry from a real silo process to a small OTLP receiver (HTTP/protobuf) on loopback: the
/// spans of one direct and one load-balanced task arrive as parts of the traces the client started
/// (the engine's op.run under the client's op.task, the queue's op.schedule too), and the silo's
/// task figures arrive as metrics. The receiver keeps the raw protobuf bodies; names, tag values and
/// the 16-byte trace ids are found in them as they are encoded.
/// </summary>
public sealed class TelemetryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SiloExportsTaskTracesAndMetrics_OverOtlp_JoiningTheClientsTraces()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var clientSpans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ParallelTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = clientSpans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await using var silo = await SiloProcess.StartAsync(1, new Dictionary<string, string>
        {
            [SiloTelemetry.EndpointVariable] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_SERVICE_NAME"] = "op-telemetry-test",
        });
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions);
        await rc.WaitForEnginesAsync(1, Patience);

        var direct = rc[0].ApplyAsync((int x) => x + 1, 41);
        Assert.Equal(42, await direct);
        var balanced = rc.LoadBalancedView().ApplyAsync((int x) => x * 2, 21);
        Assert.Equal(42, await balanced);

        // The client's own spans: one op.task (with its op.reply) per task, tagged with its id.
        var tasks = new[] { direct.MsgIds[0], balanced.MsgIds[0] }.Select(id => id.ToString()).ToArray();
        await ClusterAssert.EventuallyAsync(() => tasks.All(id => clientSpans.Any(a => a.OperationName == ParallelTelemetry.TaskSpan && Equals(a.GetTagItem(ParallelTelemetry.TaskIdTag), id))), "the client's op.task spans ended", Patience);
        var roots = tasks.Select(id => clientSpans.Single(a => a.OperationName == ParallelTelemetry.TaskSpan && Equals(a.GetTagItem(ParallelTelemetry.TaskIdTag), id))).ToArray();
        Assert.All(roots, root => Assert.Equal("ok", root.GetTagItem(ParallelTelemetry.StatusTag)));
        Assert.All(roots, root => Assert.Contains(clientSpans, a => a.OperationName == ParallelTelemetry.ReplySpan && a.ParentSpanId == root.SpanId));

        // The silo's spans arrive in the same traces, the engine's run a child of the client's span.
        foreach (var (root, name) in roots.Zip(new[] { "direct", "load-balanced" }))
        {
            await receiver.WaitForAsync("/v1/traces", body => Contains(body, TraceIdBytes(root)) && Contains(body, ParallelTelemetry.RunSpan), Patience, $"the {name} task's op.run span");
            var run = receiver.Bodies("/v1/traces").First(body => Contains(body, TraceIdBytes(root)) && Contains(body, ParallelTelemetry.RunSpan));
            Assert.True(Contains(run, SpanIdBytes(root)), $"the {name} task's op.run names the client's op.task span as its parent");
            Assert.True(Contains(run, (string)root.GetTagItem(ParallelTelemetry.TaskIdTag)!), $"the {name} task's op.run carries its task id");
        }
        await receiver.WaitForAsync("/v1/traces", body => Contains(body, TraceIdBytes(roots[1])) && Contains(body, ParallelTelemetry.ScheduleSpan), Patience, "the load-balanced task's op.schedule span");
        Assert.Contains(receiver.Bodies("/v1/traces"), body => Contains(body, "op-telemetry-test")); // the resource's service name

        // The task figures: every instrument of the Orleans.Parallel meter.
        string[] instruments = ["op.tasks.submitted", "op.tasks.completed", "op.task.duration", "op.queue.length", "op.engines.busy"];
        await receiver.WaitForAsync("/v1/metrics", body => instruments.All(i => Contains(body, i)), Patience, string.Join(", ", instruments));
        output.WriteLine($"received {receiver.Bodies("/v1/traces").Count} trace and {receiver.Bodies("/v1/metrics").Count} metric exports");

        // Bulk bytes and compile time appear once something used them.
        await rc[0].PushAsync(new { telemetry_array = new double[100_000] }); // 800 KB: the bulk port
        await rc[0].ExecuteAsync("var telemetry_line = 6 * 7;");
        await receiver.WaitForAsync("/v1/metrics", body => Contains(body, "op.bulk.bytes") && Contains(body, "op.compile.duration"), Patience, "op.bulk.bytes and op.compile.duration");
    }

    private static byte[] TraceIdBytes(Activity activity)
    {
        var bytes = new byte[16];
        activity.TraceId.CopyTo(bytes);
        return bytes;
    }

    private static byte[] SpanIdBytes(Activity activity)
    {
        var bytes = new byte[8];
        activity.SpanId.CopyTo(bytes);
        return bytes;
    }

    private static bool Contains(byte[] body, string text) => Contains(body, Encoding.UTF8.GetBytes(text));

    private static bool Contains(byte[] body, byte[] part) => body.AsSpan().IndexOf(part) >= 0;

    /// <summary>An OTLP/HTTP receiver on a free loopback port: it answers 200 to every export and keeps the bodies by path.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> _bodies = new();

        private OtlpReceiver(WebApplication app) => _app = app;

        public string Endpoint => _app.Urls.First();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new OtlpReceiver(app);
            app.MapPost("/v1/{signal}", async (HttpContext http) =>
            {
                using var body = new MemoryStream();
                await http.Request.Body.CopyToAsync(body);
                receiver._bodies.GetOrAdd(http.Request.Path.Value!, _ => new()).Enqueue(body.ToArray());
                http.Response.ContentType = "application/x-protobuf";
                return Microsoft.AspNetCore.Http.Results.Ok(); // an empty export response
            });
            await app.StartAsync();
            return receiver;
        }

        public IReadOnlyList<byte[]> Bodies(string path) => _bodies.TryGetValue(path, out var bodies) ? bodies.ToArray() : [];

        public async Task WaitForAsync(string path, Func<byte[], bool> found, TimeSpan patience, string what)
        {
            var clock = Stopwatch.StartNew();
            while (!Bodies(path).Any(found))
            {
                if (clock.Elapsed > patience) throw new TimeoutException($"No OTLP export to {path} held {what} within {patience} ({Bodies(path).Count} exports there).");
                await Task.Delay(200);
            }
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
