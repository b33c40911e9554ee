namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// The prompt text: <c>px [all]&gt; </c> for a new submission, <c>......&gt; </c> while a block is
/// open (as IPython's classic prompt), as plain text and with its colours.
/// </summary>
internal sealed class PxPrompt
{
    public string Targets { get; set; } = "all";

    public bool Continuation { get; set; }

    public string Plain => Continuation ? new string('.', Targets.Length + 5) + "> " : $"px [{Targets}]> ";

    public string Ansi => Continuation
        ? $"\u001b[90m{new string('.', Targets.Length + 5)}>\u001b[0m "
        : $"\u001b[32mpx\u001b[0m \u001b[33m[{Targets}]\u001b[0m> ";
}
