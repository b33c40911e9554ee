using Orleans.Parallel.Tests.Cluster;

namespace Orleans.Parallel.Tests.Engine;

/// <summary>Scripts that declare their own types keep them for later scripts, alongside pushed variables.</summary>
[Collection(ClusterCollection.Name)]
public class ScriptChainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ScriptDeclaredType_ThenPush_LaterScriptUsesBothWithExactTypes()
    {
        var e = fixture.Client[2];
        await e.ExecuteAsync("record Chain_Point(int X, int Y); var chain_p = new Chain_Point(3, 4);");
        await e.PushAsync(new { chain_scale = 10 });
        await e.ExecuteAsync("var chain_len = (chain_p.X * chain_p.X + chain_p.Y * chain_p.Y) * chain_scale;");
        Assert.Equal(250, await e.PullAsync<int>("chain_len"));

        // A pushed value replacing a script variable is seen with its new value and type.
        await e.PushAsync(new { chain_scale = 2.5 });
        await e.ExecuteAsync("var chain_scaled = chain_p.X * chain_scale;");
        Assert.Equal(7.5, await e.PullAsync<double>("chain_scaled"));

        // A compile error in chained mode still carries positions within the submitted code.
        var error = await Assert.ThrowsAsync<Errors.RemoteException>(async () => await e.ExecuteAsync("var q = 1;\n  chain_p.Z;"));
        Assert.Contains(error.Diagnostics, d => d.Line == 2 && d.Column == 11);
        await e.ClearAsync();
    }

    [Fact]
    public async Task PullOfScriptDeclaredType_FailsNamingIt_AndEngineKeepsItsNamespace()
    {
        var engine = fixture.Client[2];
        await engine.ExecuteAsync("public class SdPoint { public int X = 3; } var sd_point = new SdPoint(); var sd_x = sd_point.X;");

        var error = await Assert.ThrowsAsync<Errors.RemoteException>(() => engine.PullAsync("sd_point").AsTask());
        Assert.Contains("declared by a script", error.Message);
        Assert.Equal(3, await engine.PullAsync<int>("sd_x"));
        await engine.ExecuteAsync("var sd_y = sd_point.X + 1;");
        Assert.Equal(4, await engine.PullAsync<int>("sd_y"));
    }
}
