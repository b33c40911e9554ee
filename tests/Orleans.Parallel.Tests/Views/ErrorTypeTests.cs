using Orleans.Parallel.Engine;
using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Tests.Views;

/// <summary>The client's error types say which engine and task they concern, without a cluster.</summary>
public sealed class ErrorTypeTests
{
    private static readonly Guid Msg = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static RemoteError Error(string message, params CompilerDiagnostic[] diagnostics) =>
        new("System.InvalidOperationException", message, "   at Somewhere.Method()", diagnostics);

    [Fact]
    public void RemoteException_FromRemoteError_CarriesEveryField()
    {
        var diagnostic = new CompilerDiagnostic("CS0103", "Error", 2, 5, "The name 'q' does not exist in the current context");
        var error = new RemoteException(3, Msg, Error("boom", diagnostic));

        Assert.Equal(3, error.EngineId);
        Assert.Equal(Msg, error.MsgId);
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("boom", error.RemoteMessage);
        Assert.Equal("   at Somewhere.Method()", error.RemoteStackTrace);
        Assert.Equal([diagnostic], error.Diagnostics);
        Assert.Equal("[engine 3] System.InvalidOperationException: boom", error.Message);
        Assert.Contains("--- remote stack trace ---\n   at Somewhere.Method()", error.ToString());
    }

    [Fact]
    public void CompositeException_SeveralErrors_ListsEachWithItsEngine()
    {
        var errors = new Exception[] { new RemoteException(0, Msg, Error("first")), new RemoteException(2, Msg, Error("second")) };
        var composite = new CompositeException(errors);

        Assert.Equal(errors, composite.Errors);
        Assert.Equal(errors, composite.InnerExceptions);
        Assert.StartsWith("2 task(s) failed:\n  [engine 0] System.InvalidOperationException: first\n  [engine 2] System.InvalidOperationException: second", composite.Message);
    }

    [Fact]
    public void TaskAbortedException_NamesEngineAndTask()
    {
        var error = new TaskAbortedException(1, Msg);
        Assert.Equal(1, error.EngineId);
        Assert.Equal(Msg, error.MsgId);
        Assert.Equal($"[engine 1] Task {Msg} was aborted before it ran.", error.Message);
    }

    [Fact]
    public void EngineException_NamesEngine()
    {
        var inner = new InvalidOperationException("gone");
        var error = new EngineException(2, "It died.", inner);
        Assert.Equal(2, error.EngineId);
        Assert.Equal("[engine 2] It died.", error.Message);
        Assert.Same(inner, error.InnerException);
    }

    [Fact]
    public void CompilerDiagnostic_ToString_GivesLineColumnSeverityIdAndMessage()
    {
        var diagnostic = new CompilerDiagnostic("CS1002", "Error", 4, 12, "; expected");
        Assert.Equal("(4,12): error CS1002: ; expected", diagnostic.ToString());
    }
}
