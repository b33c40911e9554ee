namespace Orleans.Parallel.Cli.Prompt;

/// <summary>The text of the line being edited and the cursor in it: the editing itself, apart from the terminal.</summary>
internal sealed class LineBuffer
{
    private string _text = "";

    public string Text => _text;

    public int Cursor { get; private set; }

    public void Insert(string text)
    {
        _text = _text.Insert(Cursor, text);
        Cursor += text.Length;
    }

    public void Backspace()
    {
        if (Cursor == 0) return;
        _text = _text.Remove(Cursor - 1, 1);
        Cursor--;
    }

    public void Delete()
    {
        if (Cursor < _text.Length) _text = _text.Remove(Cursor, 1);
    }

    public void Move(int by) => MoveTo(Cursor + by);

    public void MoveTo(int position) => Cursor = Math.Clamp(position, 0, _text.Length);

    public void CutBefore()
    {
        _text = _text[Cursor..];
        Cursor = 0;
    }

    public void CutAfter() => _text = _text[..Cursor];

    /// <summary>Replaces the text (a recalled history entry), the cursor at its end.</summary>
    public void Set(string text)
    {
        _text = text;
        Cursor = text.Length;
    }
}
