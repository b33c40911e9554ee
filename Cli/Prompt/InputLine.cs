namespace Orleans.Parallel.Cli.Prompt;

/// <summary>What one read at the prompt gave: a line, Ctrl-C (drop what was typed) or Ctrl-D (leave).</summary>
internal readonly record struct InputLine(InputKind Kind, string Text = "")
{
    public static InputLine Interrupted { get; } = new(InputKind.Interrupted);
    public static InputLine EndOfInput { get; } = new(InputKind.EndOfInput);
}

internal enum InputKind { Line, Interrupted, EndOfInput }
