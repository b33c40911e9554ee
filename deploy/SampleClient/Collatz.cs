namespace Orleans.Parallel.SampleClient;

/// <summary>Uneven work for the load-balanced map: how long a number's Collatz sequence runs varies wildly from one number to the next.</summary>
public static class Collatz
{
    /// <summary>Steps from <paramref name="n"/> to 1 (halve an even number, else 3n + 1).</summary>
    public static int Steps(long n)
    {
        var steps = 0;
        for (; n != 1; steps++) n = n % 2 == 0 ? n / 2 : 3 * n + 1;
        return steps;
    }
}
