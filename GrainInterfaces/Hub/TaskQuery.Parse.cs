using System.Collections;
using System.Text.Json;

namespace Orleans.Parallel.Hub;

/// <summary>
/// The query language of ipyparallel's <c>db_query</c>, for .NET: a Mongo-style dictionary (or its
/// JSON text) of field name to a value (<c>$eq</c>) or to operators and their values. It is read as
/// data only; every field, operator and value is checked against the fields a record has, and
/// anything else is an <see cref="ArgumentException"/> that says what is accepted.
/// </summary>
public sealed partial record TaskQuery
{
    /// <summary>ipyparallel's names of the fields, in <see cref="TaskField"/> order.</summary>
    private static readonly string[] SnakeNames =
    [
        "msg_id", "engine_id", "submitted", "started", "completed", "received", "status", "label",
        "session_id", "stdout", "stderr", "execute_result", "resubmitted_from", "resubmitted", "balanced",
        "error", "result", "request",
    ];

    /// <summary>The operators as written in a query, in the order messages list them.</summary>
    private static readonly (string Name, QueryOperator Operator)[] OperatorNames =
    [
        ("$lt", QueryOperator.Lt), ("$gt", QueryOperator.Gt), ("$lte", QueryOperator.Lte), ("$gte", QueryOperator.Gte),
        ("$eq", QueryOperator.Eq), ("$ne", QueryOperator.Ne), ("$in", QueryOperator.In), ("$nin", QueryOperator.Nin),
        ("$exists", QueryOperator.Exists),
    ];

    /// <summary>Every accepted field name: the snake_case names, <c>client_uuid</c>, and the enum names, case-insensitive.</summary>
    private static readonly Dictionary<string, TaskField> FieldsByName = BuildFieldNames();

    private static Dictionary<string, TaskField> BuildFieldNames()
    {
        var names = new Dictionary<string, TaskField>(StringComparer.OrdinalIgnoreCase) { ["client_uuid"] = TaskField.SessionId };
        foreach (var field in Enum.GetValues<TaskField>())
        {
            names[SnakeNames[(int)field]] = field;
            names[field.ToString()] = field;
        }
        return names;
    }

    /// <summary>The field's name in a query (ipyparallel's snake_case), as messages and JSON use it.</summary>
    public static string NameOf(TaskField field) =>
        Enum.IsDefined(field) ? SnakeNames[(int)field] : ((int)field).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The operator as written in a query (<c>$lt</c>, <c>$in</c>, ...).</summary>
    public static string NameOf(QueryOperator op)
    {
        foreach (var (name, known) in OperatorNames)
            if (known == op) return name;
        return ((int)op).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The field a query names: ipyparallel's snake_case name (<c>msg_id</c>; <c>client_uuid</c> for
    /// <c>session_id</c>) or the <see cref="TaskField"/> name (<c>MsgId</c>), case-insensitive.
    /// </summary>
    /// <exception cref="ArgumentException">No field has that name; the message lists the fields.</exception>
    public static TaskField ParseField(string name)
    {
        if (string.IsNullOrEmpty(name)) throw Bad($"A field name in the task query is empty; fields are {FieldList}.");
        return FieldsByName.TryGetValue(name, out var field)
            ? field
            : throw Bad($"Unknown field '{Shorten(name)}' in the task query; fields are {FieldList}.");
    }

    /// <summary>
    /// Reads a Mongo-style query: each key names a field (<see cref="ParseField"/>); its value is
    /// either a plain value, meaning <c>$eq</c>, or a dictionary of operators (<c>$lt $gt $lte $gte
    /// $eq $ne $in $nin $exists</c>) to values. Every condition must hold. Values may be
    /// <see cref="JsonElement"/>s (a dictionary System.Text.Json read), taken as <see cref="FromJson"/> does.
    /// </summary>
    /// <exception cref="ArgumentException">A field, operator or value is not accepted; the message names it and what is.</exception>
    public static TaskQuery Parse(IReadOnlyDictionary<string, object?> query)
    {
        if (query is null) throw Bad("The task query is null; use an empty query to match every record.");
        var conditions = new List<TaskCondition>();
        foreach (var (key, given) in query)
        {
            var field = ParseField(key);
            var value = given is JsonElement element ? ValueOfJson(element) : given;
            if (OperatorsOf(field, value) is not { } operators)
            {
                conditions.Add(Condition(field, QueryOperator.Eq, value));
                continue;
            }
            if (operators.Count == 0)
                throw Bad($"The condition on '{NameOf(field)}' has no operator; use {OperatorList(field)}, or a plain value for $eq.");
            foreach (var (name, operand) in operators)
                conditions.Add(Condition(field, ParseOperator(name, field), operand is JsonElement json ? ValueOfJson(json) : operand));
        }
        return new TaskQuery(conditions);
    }

    /// <summary>
    /// Reads a query written as JSON, the way an ipyparallel client sends it: an object of field
    /// names to values or to objects of operators. Dates are ISO-8601 text, engine ids numbers,
    /// guids and status names text.
    /// </summary>
    /// <exception cref="ArgumentException">The text is not a JSON object, or <see cref="Parse"/> rejects what it says.</exception>
    public static TaskQuery FromJson(string json)
    {
        if (json is null) throw Bad("The task query JSON is null; use \"{}\" to match every record.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Bad($"The task query is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad($"The task query must be a JSON object of field names to conditions, not a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
            return Parse((IReadOnlyDictionary<string, object?>)ValueOfJson(document.RootElement)!);
        }
    }

    /// <summary>A query of one condition, for building queries in code: <c>TaskQuery.Where(...).And(...)</c>.</summary>
    /// <exception cref="ArgumentException">The operator does not apply to the field, or the value is not of its type.</exception>
    public static TaskQuery Where(TaskField field, QueryOperator op, object? value) => new([Condition(field, op, value)]);

    /// <summary>This query with one more condition that must also hold.</summary>
    /// <exception cref="ArgumentException">The operator does not apply to the field, or the value is not of its type.</exception>
    public TaskQuery And(TaskField field, QueryOperator op, object? value) => new([.. Conditions ?? [], Condition(field, op, value)]);

    /// <summary>The operators and their values when <paramref name="value"/> is a dictionary of them; null for a plain value.</summary>
    private static List<KeyValuePair<string, object?>>? OperatorsOf(TaskField field, object? value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> readOnly:
                return [.. readOnly];
            case IDictionary<string, object?> dictionary:
                return [.. dictionary];
            case IDictionary other:
                var operators = new List<KeyValuePair<string, object?>>();
                foreach (DictionaryEntry entry in other)
                {
                    if (entry.Key is not string name)
                        throw Bad($"The operators of '{NameOf(field)}' must be named by text ({OperatorList(field)}), not by {Describe(entry.Key)}.");
                    operators.Add(new(name, entry.Value));
                }
                return operators;
            default:
                return null;
        }
    }

    private static QueryOperator ParseOperator(string name, TaskField field)
    {
        foreach (var (known, op) in OperatorNames)
            if (string.Equals(known, name, StringComparison.Ordinal)) return op;
        throw Bad($"Operator '{Shorten(name ?? "")}' is not supported for '{NameOf(field)}'; use {OperatorList(field)}.");
    }

    /// <summary>A JSON value as the .NET value <see cref="Parse"/> reads: objects as dictionaries, arrays as lists, numbers as long or double.</summary>
    private static object? ValueOfJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                    if (!dictionary.TryAdd(property.Name, ValueOfJson(property.Value)))
                        throw Bad($"The task query names '{Shorten(property.Name)}' twice in one JSON object.");
                return dictionary;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(ValueOfJson).ToArray();
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var integer) ? integer : (object)element.GetDouble(); // (object): a long must not widen to double
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }

    /// <summary>Every field name, for messages.</summary>
    private static string FieldList => string.Join(", ", SnakeNames) + " (client_uuid for session_id; C# names such as MsgId also work)";

    /// <summary>The operators that apply to <paramref name="field"/>, for messages.</summary>
    private static string OperatorList(TaskField field) =>
        string.Join(" ", OperatorNames.Where(o => Applies(field, o.Operator)).Select(o => o.Name));

    /// <summary>A value as a message shows it: short, with its type.</summary>
    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => $"'{Shorten(text)}' (text)",
        _ => $"{Shorten(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "")} ({value.GetType().Name})",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static ArgumentException Bad(string message) => new(message);
}
