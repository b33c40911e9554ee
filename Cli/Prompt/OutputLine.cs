namespace Orleans.Parallel.Cli.Prompt;

/// <summary>One labelled piece of what the prompt shows, such as <c>[stdout:0]</c> and the text engine 0 printed.</summary>
internal sealed record OutputLine(string Label, string Text, OutputKind Kind);

internal enum OutputKind { Value, Stdout, Stderr, Error, Note }
