namespace Orleans.Parallel.Cli.Prompt;

/// <summary>Where the prompt's lines come from: a terminal with line editing, or plain redirected input.</summary>
internal interface ILineSource
{
    /// <summary>Reads one line; <paramref name="continuation"/> shows the prompt of a block still open.</summary>
    Task<InputLine> ReadAsync(bool continuation, CancellationToken interrupt);

    /// <summary>Remembers a whole submission (a block as one entry) for recall, in this session and the next.</summary>
    void Remember(string submission);
}
