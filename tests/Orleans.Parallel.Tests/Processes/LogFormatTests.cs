using System.Text.Json;
using Orleans.Parallel.Testing;

namespace Orleans.Parallel.Tests.Processes;

/// <summary>
/// <c>--log-format json</c>: every log line the silo writes is one JSON object with a UTC timestamp,
/// level, category and message, as log collectors read them; the silo's own lines for people (its
/// credential, connection file and ready line) stay as they are. An unknown format is refused.
/// </summary>
public sealed class LogFormatTests
{
    [Fact]
    public async Task JsonLogs_AreOneObjectALine_WithTimestampLevelCategoryAndMessage()
    {
        await using var silo = await SiloProcess.StartAsync(1, TimeSpan.FromSeconds(90), "--log-format", "json", "--log-level", "Information");
        var lines = silo.Output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        var logs = lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

        Assert.True(logs.Length >= 5, $"Only {logs.Length} JSON log lines:\n{silo.Output}");
        foreach (var log in logs)
        {
            Assert.EndsWith("Z", log.GetProperty("Timestamp").GetString());
            Assert.Contains(log.GetProperty("LogLevel").GetString(), new[] { "Information", "Warning", "Error", "Critical" });
            Assert.False(string.IsNullOrEmpty(log.GetProperty("Category").GetString()));
            Assert.True(log.TryGetProperty("Message", out _));
        }
        Assert.Contains(logs, l => l.GetProperty("Category").GetString()!.StartsWith("Orleans", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Orleans.Parallel silo ready:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownLogFormat_IsRefusedNamingTheChoices()
    {
        var (exit, output) = await ProgramRun.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "Orleans.Parallel.Silo.dll"), "--log-format", "xml"]);
        Assert.NotEqual(0, exit);
        Assert.Contains("xml", output);
        Assert.Contains("json", output);
    }
}
