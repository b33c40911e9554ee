using System.CommandLine;
using System.Reflection;
using Orleans.Parallel;
using Orleans.Parallel.Benchmarks;
using Orleans.Parallel.Testing;

var engines = new Option<int>("--engines", "-n") { Description = "Engines in the silo process.", DefaultValueFactory = _ => 2 };
engines.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--engines must be at least 1."); });
var json = new Option<string?>("--json") { Description = "Write the figures to this JSON file (ipp_bench.py's format)." };
var quick = new Option<bool>("--quick") { Description = "Smaller sizes, for a fast smoke run; figures are not comparable." };
var breakdown = new Option<bool>("--breakdown") { Description = "Also report where each figure's time goes (request path, engine, reply path)." };
var ipp = new Option<bool>("--ipp") { Description = "Also run ipp_bench.py on ipyparallel (python3-ipyparallel) and print both side by side." };
var ippScript = new Option<string?>("--ipp-script") { Description = "Path of ipp_bench.py (default: shared/anchors/ipp_bench.py above this directory)." };
var hwm = new Option<int>("--hwm") { Description = "The silo's high-water mark for load-balanced tasks (its default is 1).", DefaultValueFactory = _ => 1 };
var lazyTasks = new Option<int?>("--imap-tasks") { Description = "Tasks in the lazy IMap memory figure (default 1,000,000; 0 skips it)." };
var only = new Option<string?>("--only") { Description = "Run one group of figures: direct, large (1 GiB push and pull), balanced, code, busy, memory (1M dropped tasks, a task printing 100 MB), records (their overhead), failure (SIGKILL of a silo to its task failing) or scale (broadcasts to 1,000 and 10,000 engines, and to 1,000 over three silos; the default run has the 1,000-engine figures); default: all; soak, security (the direct, balanced and 1 GiB figures on a secure and an --insecure silo, side by side) and isolation (apply, execute, 256 MiB push and pull and load-balanced figures on an in-process and an --isolation process silo, side by side, and an isolated engine's interrupt to its next answer) run only when named." };
var recordsPasses = new Option<int>("--records-passes") { Description = "Passes of the tiny tasks on each silo in the records figure, times three (default 8, so 24 alternating pairs; more gives steadier figures and reaches the record limit).", DefaultValueFactory = _ => 8 };
recordsPasses.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--records-passes must be at least 1."); });
var soakMinutes = new Option<double>("--soak-minutes") { Description = "Minutes of the soak (--only soak): load-balanced work while a silo is killed and restarted every minute (default 10).", DefaultValueFactory = _ => 10 };
soakMinutes.Validators.Add(r => { if (r.GetValueOrDefault<double>() is not (> 0 and <= 24 * 60)) r.AddError("--soak-minutes must be more than 0 and at most a day."); });
var securityRounds = new Option<int>("--security-rounds") { Description = "Rounds of the secure and --insecure silos in --only security, alternating (default 2).", DefaultValueFactory = _ => 2 };
securityRounds.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--security-rounds must be at least 1."); });
var isolationRounds = new Option<int>("--isolation-rounds") { Description = "Rounds of the in-process and isolated silos in --only isolation, alternating (default 2).", DefaultValueFactory = _ => 2 };
isolationRounds.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--isolation-rounds must be at least 1."); });
var root = new RootCommand("Orleans.Parallel benchmark: ipp_bench.py's workload against a real silo process.") { engines, json, quick, breakdown, ipp, ippScript, only, hwm, lazyTasks, recordsPasses, soakMinutes, securityRounds, isolationRounds };
root.SetAction(async (parse, cancellationToken) =>
{
    var n = parse.GetValue(engines);
    var isQuick = parse.GetValue(quick);
    var sizes = isQuick ? Sizes.Quick : Sizes.Full;
    if (parse.GetValue(lazyTasks) is { } lazy) sizes = sizes with { LazyMapTasks = lazy };
    var version = typeof(ParallelClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
    var system = $"Orleans.Parallel {version}";
    Console.WriteLine($"{system}: {n} engines in a silo process (hwm {parse.GetValue(hwm)}), {Environment.ProcessorCount} cores{(isQuick ? ", quick sizes" : "")}, load {LoadAverage()}");

    var figures = new Figures();
    if (parse.GetValue(only) is not ("security" or "isolation")) // those groups start silos of their own
    await using (var silo = await SiloProcess.StartAsync(n, null, ["--hwm", parse.GetValue(hwm).ToString(System.Globalization.CultureInfo.InvariantCulture), .. (Environment.GetEnvironmentVariable("OP_SILO_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [])]))
    {
        await using var rc = await ParallelClient.ConnectAsync(silo.ClientOptions, cancellationToken);
        await rc.WaitForEnginesAsync(n, TimeSpan.FromSeconds(60), cancellationToken);
        var group = parse.GetValue(only);
        if (group is null or "direct") new Workload(rc, sizes, figures, parse.GetValue(breakdown)).Run();
        if ((group is null && !isQuick) || group is "large") LargeTransfers.Measure(rc, figures, parse.GetValue(breakdown));
        if (group is null or "balanced") new BalancedFigures(rc, sizes, figures).Run();
        if (group is null or "code") CodeFigures.Measure(rc, silo.ProcessId, sizes, figures, parse.GetValue(breakdown));
        if (group is null or "busy") BusyEngines.Measure(rc, silo.ProcessId, sizes.BusySeconds, figures);
        if (group is null or "memory") ClientMemory.Measure(rc, silo.ProcessId, sizes.DroppedTasks, figures);
        if (group is null or "memory") ChattyOutput.Measure(rc, silo.ProcessId, figures);
        Memory.Measure(silo.ProcessId, figures);
    }
    // Silos of their own (with and without records), after the main one has stopped.
    if (parse.GetValue(only) is null or "records") await RecordsOverhead.MeasureAsync(n, parse.GetValue(hwm), parse.GetValue(recordsPasses), sizes, figures, cancellationToken);
    if (parse.GetValue(only) is null or "failure") await SiloDeath.MeasureAsync(figures, cancellationToken);
    if (parse.GetValue(only) is null or "scale") await Scale.MeasureAsync(full: parse.GetValue(only) is "scale", figures, cancellationToken);
    if (parse.GetValue(only) is "security") await SecurityCost.MeasureAsync(n, sizes, parse.GetValue(securityRounds), figures, cancellationToken); // only when asked: four silos' worth of figures
    if (parse.GetValue(only) is "isolation") await IsolationCost.MeasureAsync(n, parse.GetValue(hwm), sizes, parse.GetValue(isolationRounds), parse.GetValue(breakdown), figures, cancellationToken); // only when asked: four silos, two with engine processes
    if (parse.GetValue(only) is "soak") await Soak.MeasureAsync(parse.GetValue(soakMinutes), figures, cancellationToken); // only when asked: it takes minutes
    if (parse.GetValue(json) is { } path) figures.WriteJson(path, system, n, isQuick);

    // After the silo has stopped, so the two systems never compete for the cores.
    if (parse.GetValue(ipp) && await IppBaseline.RunAsync(n, parse.GetValue(ippScript), cancellationToken) is { } baseline)
    {
        Console.WriteLine();
        Comparison.Print(figures, baseline);
    }
    Console.WriteLine($"load at the end {LoadAverage()}");
    return 0;
});
return await root.Parse(args).InvokeAsync();

// Other work on the machine skews every figure; the load average says how much there was.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
