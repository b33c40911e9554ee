using System.Net.Sockets;

namespace Orleans.Parallel.Connection;

/// <summary>One plain TCP connect to an address the client needs, with a bound on how long it may take.</summary>
internal static class TcpReach
{
    /// <summary>How long one address may take to accept (a host that drops packets gives no refusal).</summary>
    public static readonly TimeSpan PerAddress = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The open connection, or why there is none: <c>Refused</c> when the host answered that nothing
    /// listens there (or does not exist), the only failure that proves the address wrong.
    /// </summary>
    public static async Task<(TcpClient? Connection, string? Failure, bool Refused)> ConnectAsync(string host, int port, TimeSpan limit, CancellationToken cancellationToken)
    {
        var wait = PerAddress < limit ? PerAddress : limit;
        var socket = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return (socket, null, false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            return (null, $"{host}:{port} ({Describe(e.SocketErrorCode)})",
                e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.NoData);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return (null, $"{host}:{port} (no answer within {wait.TotalSeconds:0.#} s)", false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused: nothing listens on that port",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "unknown host",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
        SocketError.TimedOut => "timed out",
        _ => error.ToString(),
    };
}
