using Orleans.Parallel.Results;

namespace Orleans.Parallel.Views;

public sealed partial class DirectView
{
    /// <summary>Runs C# script statements in each engine's namespace; declared variables stay there.</summary>
    /// <param name="code">Script code, e.g. <c>"var a = 5;"</c>. Namespace variables are in scope by name and type.</param>
    public AsyncResult ExecuteAsync(string code) => Plain(_ops.Execute(TargetIds, code));

    /// <inheritdoc cref="ExecuteAsync"/>
    public AsyncResult Execute(string code) => Blocking(ExecuteAsync(code));

    /// <inheritdoc cref="ExecuteAsync"/>
    public void ExecuteSync(string code) => ExecuteAsync(code).Get();

    /// <summary>Runs a C# script file (.csx), read on the client, on each engine.</summary>
    public AsyncResult RunAsync(string path) => Plain(_ops.Run(TargetIds, path));

    /// <inheritdoc cref="RunAsync"/>
    public AsyncResult Run(string path) => Blocking(RunAsync(path));

    /// <inheritdoc cref="RunAsync"/>
    public void RunSync(string path) => RunAsync(path).Get();
}
