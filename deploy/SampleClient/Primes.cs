namespace Orleans.Parallel.SampleClient;

/// <summary>Deliberately uneven work for the load-balanced map: its cost grows with <c>n</c>.</summary>
public static class Primes
{
    /// <summary>How many primes are below <paramref name="n"/>, by trial division.</summary>
    public static int Below(int n)
    {
        var count = 0;
        for (var k = 2; k < n; k++)
        {
            var prime = true;
            for (var d = 2; d * d <= k && prime; d++) prime = k % d != 0;
            if (prime) count++;
        }
        return count;
    }
}
