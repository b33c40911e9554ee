namespace Orleans.Parallel.Errors;

/// <summary>
/// <see cref="ParallelClient.ConnectAsync"/> found no gateway to connect to: every address it was
/// given refused the connection, did not answer, or is a silo's silo-to-silo port. The message names
/// each address and what happened there, the options that set them, and how to start a silo. With
/// Redis clustering: the Redis server of the membership table refused the connection.
/// </summary>
public sealed class ClusterUnreachableException(string message, Exception? innerException = null)
    : IOException(message, innerException);
