using Orleans.Parallel.Scheduling;

namespace Orleans.Parallel.Tests.Scheduling;

/// <summary>Dependencies, pure: ipyparallel's Dependency.check/unreachable and the scheduler's After/Follow decision.</summary>
public sealed class DependencyTests
{
    private static readonly Guid A = Guid.NewGuid();
    private static readonly Guid B = Guid.NewGuid();
    private static readonly Guid Self = Guid.NewGuid();

    public enum Outcome { Pending, Ok, Failed }

    private static Dependency On(bool all, bool success, bool failure, params Guid[] ids) =>
        new(ids) { All = all, Success = success, Failure = failure };

    private static (HashSet<Guid> Succeeded, HashSet<Guid> Failed) Sets(Outcome a, Outcome b)
    {
        var succeeded = new HashSet<Guid>();
        var failed = new HashSet<Guid>();
        foreach (var (id, outcome) in new[] { (A, a), (B, b) })
        {
            if (outcome == Outcome.Ok) succeeded.Add(id);
            if (outcome == Outcome.Failed) failed.Add(id);
        }
        return (succeeded, failed);
    }

    /// <summary>ipyparallel's <c>Dependency.check</c>, verbatim in set terms.</summary>
    private static bool PyCheck(ISet<Guid> dependency, bool all, bool success, bool failure, ISet<Guid> completed, ISet<Guid> failed)
    {
        var against = success ? new HashSet<Guid>(completed) : [];
        if (failure) against.UnionWith(failed);
        return all ? dependency.IsSubsetOf(against) : dependency.Overlaps(against);
    }

    /// <summary>ipyparallel's <c>Dependency.unreachable</c>, verbatim in set terms.</summary>
    private static bool PyUnreachable(ISet<Guid> dependency, bool all, bool success, bool failure, ISet<Guid> completed, ISet<Guid> failed)
    {
        var against = !success ? new HashSet<Guid>(completed) : [];
        if (!failure) against.UnionWith(failed);
        return all ? dependency.Overlaps(against) : dependency.IsSubsetOf(against);
    }

    public static TheoryData<bool, bool, bool, int, int> Combinations()
    {
        var data = new TheoryData<bool, bool, bool, int, int>();
        foreach (var all in new[] { true, false })
        foreach (var success in new[] { true, false })
        foreach (var failure in new[] { true, false })
        foreach (var a in Enum.GetValues<Outcome>())
        foreach (var b in Enum.GetValues<Outcome>())
            data.Add(all, success, failure, (int)a, (int)b);
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void IsMetAndIsUnreachable_EveryCombination_MatchIpyparallel(bool all, bool success, bool failure, int a, int b)
    {
        var (succeeded, failed) = Sets((Outcome)a, (Outcome)b);
        var dependency = On(all, success, failure, A, B);
        var ids = new HashSet<Guid> { A, B };
        Assert.Equal(PyCheck(ids, all, success, failure, succeeded, failed), dependency.IsMet(succeeded, failed));
        Assert.Equal(PyUnreachable(ids, all, success, failure, succeeded, failed), dependency.IsUnreachable(succeeded, failed));
    }

    // all/any × success/failure, written out: (all, success, failure, a, b) → (met, unreachable).
    [Theory]
    [InlineData(true, true, false, Outcome.Ok, Outcome.Ok, true, false)]
    [InlineData(true, true, false, Outcome.Ok, Outcome.Pending, false, false)]
    [InlineData(true, true, false, Outcome.Ok, Outcome.Failed, false, true)]
    [InlineData(false, true, false, Outcome.Ok, Outcome.Pending, true, false)]
    [InlineData(false, true, false, Outcome.Failed, Outcome.Pending, false, false)]
    [InlineData(false, true, false, Outcome.Failed, Outcome.Failed, false, true)]
    [InlineData(true, false, true, Outcome.Failed, Outcome.Failed, true, false)]
    [InlineData(true, false, true, Outcome.Failed, Outcome.Ok, false, true)]
    [InlineData(false, false, true, Outcome.Ok, Outcome.Failed, true, false)]
    [InlineData(false, false, true, Outcome.Ok, Outcome.Ok, false, true)]
    [InlineData(true, true, true, Outcome.Ok, Outcome.Failed, true, false)]
    [InlineData(true, true, true, Outcome.Ok, Outcome.Pending, false, false)]
    [InlineData(false, true, true, Outcome.Failed, Outcome.Pending, true, false)]
    public void IsMetAndIsUnreachable_NamedCases_AsIpyparallel(bool all, bool success, bool failure, Outcome a, Outcome b, bool met, bool unreachable)
    {
        var (succeeded, failed) = Sets(a, b);
        var dependency = On(all, success, failure, A, B);
        Assert.Equal(met, dependency.IsMet(succeeded, failed));
        Assert.Equal(unreachable, dependency.IsUnreachable(succeeded, failed));
    }

    [Fact]
    public void IsMet_Empty_MetAndNeverUnreachable()
    {
        foreach (var all in new[] { true, false })
        {
            var none = new Dependency(Array.Empty<Guid>()) { All = all };
            Assert.True(none.IsMet(new HashSet<Guid>(), new HashSet<Guid> { A }));
            Assert.False(none.IsUnreachable(new HashSet<Guid>(), new HashSet<Guid> { A }));
        }
    }

    [Fact]
    public void Dependency_Defaults_AllSuccessOnly()
    {
        var dependency = new Dependency([A, B, A]);
        Assert.True(dependency.All);
        Assert.True(dependency.Success);
        Assert.False(dependency.Failure);
        Assert.Equal([A, B], dependency.MsgIds);
        Assert.Empty(Dependency.None.MsgIds);
    }

    private static Dictionary<Guid, (bool Ok, int Engine)> Ended(params (Guid Id, bool Ok, int Engine)[] ended) =>
        ended.ToDictionary(e => e.Id, e => (e.Ok, e.Engine));

    [Fact]
    public void Decide_NoDependencies_ReadyOnViewTargets()
    {
        var decision = DependencyDecision.Decide(Self, null, null, Ended(), [1, 2]);
        Assert.True(decision.Ready);
        Assert.Equal([1, 2], decision.Targets!);
        Assert.Null(decision.Impossible);
        Assert.Null(DependencyDecision.Decide(Self, null, null, Ended(), null).Targets);
    }

    [Fact]
    public void Decide_AfterPending_Waits()
    {
        var decision = DependencyDecision.Decide(Self, new Dependency([A, B]), null, Ended((A, true, 0)), null);
        Assert.False(decision.Ready);
        Assert.Null(decision.Impossible);
    }

    [Fact]
    public void Decide_AfterMet_ReadyAnywhereTheViewAllows()
    {
        var decision = DependencyDecision.Decide(Self, new Dependency([A, B]), null, Ended((A, true, 0), (B, true, 3)), [0, 1]);
        Assert.True(decision.Ready);
        Assert.Equal([0, 1], decision.Targets!);
    }

    [Fact]
    public void Decide_AfterUnreachable_Impossible()
    {
        var decision = DependencyDecision.Decide(Self, new Dependency([A, B]), null, Ended((A, false, 1)), null);
        Assert.False(decision.Ready);
        Assert.NotNull(decision.Impossible);
        Assert.Contains("After", decision.Impossible);
        Assert.Contains(Self.ToString(), decision.Impossible);
    }

    [Fact]
    public void Decide_AfterOnFailureOnly_FailedTaskMakesItReady()
    {
        var after = new Dependency([A]) { Success = false, Failure = true };
        Assert.True(DependencyDecision.Decide(Self, after, null, Ended((A, false, 1)), null).Ready);
        Assert.NotNull(DependencyDecision.Decide(Self, after, null, Ended((A, true, 1)), null).Impossible);
    }

    [Fact]
    public void Decide_FollowAllOnOneEngine_ReadyOnThatEngine()
    {
        var decision = DependencyDecision.Decide(Self, null, new Dependency([A, B]), Ended((A, true, 2), (B, true, 2)), null);
        Assert.True(decision.Ready);
        Assert.Equal([2], decision.Targets!);
    }

    [Fact]
    public void Decide_FollowAllOnTwoEngines_Impossible()
    {
        var decision = DependencyDecision.Decide(Self, null, new Dependency([A, B]), Ended((A, true, 1), (B, true, 3)), null);
        Assert.False(decision.Ready);
        Assert.Contains("different engines [1, 3]", decision.Impossible);
    }

    [Fact]
    public void Decide_FollowAllOnePending_Waits()
    {
        var decision = DependencyDecision.Decide(Self, null, new Dependency([A, B]), Ended((A, true, 1)), null);
        Assert.False(decision.Ready);
        Assert.Null(decision.Impossible);
    }

    [Fact]
    public void Decide_FollowAny_ReadyOnEveryEngineACountedTaskRanOn()
    {
        var follow = new Dependency([A, B]) { All = false };
        var both = DependencyDecision.Decide(Self, null, follow, Ended((A, true, 3), (B, true, 1)), null);
        Assert.True(both.Ready);
        Assert.Equal([1, 3], both.Targets!);

        var onePending = DependencyDecision.Decide(Self, null, follow, Ended((A, true, 3)), null);
        Assert.True(onePending.Ready);
        Assert.Equal([3], onePending.Targets!);

        // A failed task does not count (success only), so its engine is not a target.
        var oneFailed = DependencyDecision.Decide(Self, null, follow, Ended((A, true, 3), (B, false, 1)), null);
        Assert.True(oneFailed.Ready);
        Assert.Equal([3], oneFailed.Targets!);
    }

    [Fact]
    public void Decide_FollowAnyAllFailed_Impossible()
    {
        var follow = new Dependency([A, B]) { All = false };
        var decision = DependencyDecision.Decide(Self, null, follow, Ended((A, false, 3), (B, false, 1)), null);
        Assert.Contains("Follow", decision.Impossible);
    }

    [Fact]
    public void Decide_FollowWithViewExcludingTheEngine_Impossible()
    {
        var decision = DependencyDecision.Decide(Self, null, new Dependency([A]), Ended((A, true, 2)), [0, 1]);
        Assert.False(decision.Ready);
        Assert.Contains("view may not use", decision.Impossible);
    }

    [Fact]
    public void Decide_FollowWithViewIncludingTheEngine_ReadyThere()
    {
        var decision = DependencyDecision.Decide(Self, null, new Dependency([A, B]) { All = false }, Ended((A, true, 2), (B, true, 0)), [1, 2]);
        Assert.True(decision.Ready);
        Assert.Equal([2], decision.Targets!);
    }

    [Fact]
    public void Decide_FollowFailedTaskThatNeverRan_Impossible()
    {
        var follow = new Dependency([A]) { Success = false, Failure = true };
        var decision = DependencyDecision.Decide(Self, null, follow, Ended((A, false, -1)), null);
        Assert.Contains("never ran on an engine", decision.Impossible);
    }

    [Fact]
    public void Decide_AfterMetFollowPending_Waits()
    {
        var decision = DependencyDecision.Decide(Self, new Dependency([A]), new Dependency([B]), Ended((A, true, 0)), null);
        Assert.False(decision.Ready);
        Assert.Null(decision.Impossible);
    }

    [Fact]
    public void Decide_AfterAndFollowMet_ReadyOnFollowedEngine()
    {
        var decision = DependencyDecision.Decide(Self, new Dependency([A]), new Dependency([B]), Ended((A, true, 0), (B, true, 3)), null);
        Assert.True(decision.Ready);
        Assert.Equal([3], decision.Targets!);
    }
}
