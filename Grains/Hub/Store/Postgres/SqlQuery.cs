using Npgsql;
using NpgsqlTypes;
using Orleans.Parallel.Hub;

namespace Orleans.Parallel.Grains.Hub.Store.Postgres;

/// <summary>
/// A <see cref="TaskQuery"/> as a parameterised WHERE clause. Column names come only from
/// <see cref="TaskColumns"/>, operators only from this file, and every value travels as an
/// <see cref="NpgsqlParameter"/>: the query comes from a client, and none of its text ends up in SQL.
/// </summary>
/// <remarks>
/// The semantics are MongoDB's, which ipyparallel's hub has: a comparison never matches a field
/// that is not set (NULL), <c>$eq null</c> matches it, <c>$ne x</c> does, and <c>$in</c>/<c>$nin</c>
/// with null in the list match or skip unset fields. Strings compare ordinally (collation "C").
/// </remarks>
/// <param name="Where">The condition, <c>TRUE</c> for a query without conditions.</param>
/// <param name="Parameters">The parameters it names, <c>@p0</c>, <c>@p1</c>, …</param>
internal sealed record SqlQuery(string Where, IReadOnlyList<NpgsqlParameter> Parameters)
{
    /// <summary>Translates every condition (they must all hold).</summary>
    /// <exception cref="ArgumentException">A field or operator is unknown, an operator does not apply to its field, or a value does not have its field's type.</exception>
    public static SqlQuery From(TaskQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Conditions is null) throw new ArgumentException("The query has no condition list.", nameof(query));
        var parameters = new List<NpgsqlParameter>();
        var clauses = query.Conditions.Select(condition => Condition(condition, parameters)).ToList();
        return new SqlQuery(clauses.Count == 0 ? "TRUE" : string.Join(" AND ", clauses), parameters);
    }

    /// <summary>The operator as clients write it (<c>$eq</c>…), for messages.</summary>
    public static string OperatorName(QueryOperator op) => op switch
    {
        QueryOperator.Eq => "$eq",
        QueryOperator.Ne => "$ne",
        QueryOperator.Lt => "$lt",
        QueryOperator.Gt => "$gt",
        QueryOperator.Lte => "$lte",
        QueryOperator.Gte => "$gte",
        QueryOperator.In => "$in",
        QueryOperator.Nin => "$nin",
        QueryOperator.Exists => "$exists",
        _ => $"operator {(int)op}",
    };

    private static string Condition(TaskCondition condition, List<NpgsqlParameter> parameters)
    {
        if (condition is null) throw new ArgumentException("A query condition is null.", "query");
        var column = TaskColumns.Of(condition.Field);
        var name = column.Name;
        if (column.Kind == ColumnKind.Blob && condition.Operator != QueryOperator.Exists)
            throw new ArgumentException($"Query on {condition.Field}: only $exists applies, not {OperatorName(condition.Operator)}.", "query");
        // Ordinal comparison whatever the database's collation (the column is "C" already when this store made it).
        var compared = column.Kind == ColumnKind.Text ? $"{name} COLLATE \"C\"" : name;
        switch (condition.Operator)
        {
            case QueryOperator.Exists:
                return ConditionValues.Exists(condition) ? $"{name} IS NOT NULL" : $"{name} IS NULL";
            case QueryOperator.Eq:
                return ConditionValues.Equality(condition, column, condition.Value) is { } equal
                    ? $"{compared} = {Add(parameters, column, equal)}"
                    : $"{name} IS NULL";
            case QueryOperator.Ne:
                return ConditionValues.Equality(condition, column, condition.Value) is { } unequal
                    ? $"{compared} IS DISTINCT FROM {Add(parameters, column, unequal)}"
                    : $"{name} IS NOT NULL";
            case QueryOperator.Lt or QueryOperator.Gt or QueryOperator.Lte or QueryOperator.Gte:
                return $"{compared} {Comparison(condition.Operator)} {Add(parameters, column, ConditionValues.Ordered(condition, column))}";
            case QueryOperator.In or QueryOperator.Nin:
                return Membership(condition, column, compared, parameters);
            default:
                throw new ArgumentException($"Query on {condition.Field}: unknown {OperatorName(condition.Operator)}.", "query");
        }
    }

    private static string Comparison(QueryOperator op) => op switch
    {
        QueryOperator.Lt => "<",
        QueryOperator.Gt => ">",
        QueryOperator.Lte => "<=",
        _ => ">=",
    };

    /// <summary><c>$in</c> and <c>$nin</c>: the set items go in one array parameter; a null item decides what an unset field does.</summary>
    private static string Membership(TaskCondition condition, TaskColumn column, string compared, List<NpgsqlParameter> parameters)
    {
        var items = ConditionValues.List(condition).Select(item => ConditionValues.Equality(condition, column, item)).ToList();
        var withNull = items.Contains(null);
        var set = items.OfType<object>().Distinct().ToList();
        var name = column.Name;
        if (condition.Operator == QueryOperator.In)
        {
            var any = set.Count > 0 ? $"{compared} = ANY({AddArray(parameters, column, set)})" : null;
            return (any, withNull) switch
            {
                (null, false) => "FALSE",
                (null, true) => $"{name} IS NULL",
                (_, false) => any,
                _ => $"({any} OR {name} IS NULL)",
            };
        }
        var none = set.Count > 0 ? $"{compared} <> ALL({AddArray(parameters, column, set)})" : null;
        return (none, withNull) switch
        {
            (null, false) => "TRUE",
            (null, true) => $"{name} IS NOT NULL",
            (_, false) => $"({name} IS NULL OR {none})",
            _ => $"({name} IS NOT NULL AND {none})",
        };
    }

    private static string Add(List<NpgsqlParameter> parameters, TaskColumn column, object value)
    {
        var name = $"p{parameters.Count}";
        parameters.Add(new NpgsqlParameter(name, column.DbType) { Value = value });
        return "@" + name;
    }

    private static string AddArray(List<NpgsqlParameter> parameters, TaskColumn column, List<object> items)
    {
        var array = Array.CreateInstance(ConditionValues.ClrType(column), items.Count);
        for (var i = 0; i < items.Count; i++) array.SetValue(items[i], i);
        var name = $"p{parameters.Count}";
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | column.DbType) { Value = array });
        return "@" + name;
    }
}
