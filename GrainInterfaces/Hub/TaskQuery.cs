namespace Orleans.Parallel.Hub;

/// <summary>The comparisons a task query can make (ipyparallel's <c>db_query</c> operators).</summary>
public enum QueryOperator
{
    /// <summary><c>$eq</c>: equal (null matches a field that is not set).</summary>
    Eq,
    /// <summary><c>$ne</c>: not equal.</summary>
    Ne,
    /// <summary><c>$lt</c>: less than (a field that is not set never matches).</summary>
    Lt,
    /// <summary><c>$gt</c>: greater than.</summary>
    Gt,
    /// <summary><c>$lte</c>: less than or equal.</summary>
    Lte,
    /// <summary><c>$gte</c>: greater than or equal.</summary>
    Gte,
    /// <summary><c>$in</c>: equal to one of a list.</summary>
    In,
    /// <summary><c>$nin</c>: equal to none of a list.</summary>
    Nin,
    /// <summary><c>$exists</c>: the field is set (true) or not (false).</summary>
    Exists,
}

/// <summary>
/// One condition of a <see cref="TaskQuery"/>: a field, an operator and a value of the field's type
/// (a list of them for <c>$in</c>/<c>$nin</c>, a bool for <c>$exists</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("op.TaskCondition")]
public sealed record TaskCondition(
    [property: Id(0)] TaskField Field,
    [property: Id(1)] QueryOperator Operator,
    [property: Id(2)] object? Value);

/// <summary>
/// A query over task records: every condition must hold. Data only, never code: a store turns it
/// into its own comparisons (parameterised SQL for PostgreSQL), and a field or operator it does
/// not know is an argument error.
/// </summary>
[GenerateSerializer, Immutable, Alias("op.TaskQuery")]
public sealed partial record TaskQuery([property: Id(0)] IReadOnlyList<TaskCondition> Conditions)
{
    /// <summary>Matches every record.</summary>
    public static readonly TaskQuery All = new([]);
}
