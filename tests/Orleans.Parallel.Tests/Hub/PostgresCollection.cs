namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// The test classes that need PostgreSQL: one server (<see cref="PostgresServer"/>) serves them
/// all, since starting one takes a second or two; each class asks it for its own databases.
/// </summary>
[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
