using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Orleans.Parallel.Functions;

/// <summary>
/// Finds the closure fields a compiled lambda really uses, by reading its IL (and that of the
/// lambdas and local functions it calls). All lambdas of one C# scope share one closure object, so
/// shipping every field would drag along whatever the neighbouring lambdas captured: views,
/// clients, the delegate itself.
/// </summary>
internal static class ClosureFieldScanner
{
    private static readonly ConcurrentDictionary<MethodBase, HashSet<FieldInfo>> Cache = new();
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every field of a compiler-generated type that <paramref name="method"/> reads, writes or addresses.</summary>
    public static IReadOnlySet<FieldInfo> UsedBy(MethodBase method) => Cache.GetOrAdd(method, m =>
    {
        var fields = new HashSet<FieldInfo>();
        Scan(m, fields, []);
        return fields;
    });

    public static bool IsCompilerGenerated(Type? type) =>
        type is not null && type.Name.StartsWith('<') && Generated.GetOrAdd(type, t => t.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false));

    /// <summary>Attribute lookups are slow and asked on every call that ships a closure.</summary>
    private static readonly ConcurrentDictionary<Type, bool> Generated = new();

    private static void Scan(MethodBase method, HashSet<FieldInfo> fields, HashSet<MethodBase> seen)
    {
        if (!seen.Add(method)) return;
        // An async lambda's (or iterator's) body is in its state machine's MoveNext, which the lambda
        // only reaches through the method builder: read it too.
        if (method.GetCustomAttribute<StateMachineAttribute>() is { } machine
            && machine.StateMachineType.GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic) is { } moveNext)
            Scan(moveNext, fields, seen);
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) return;
        var module = method.Module;
        var typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            short value = il[i++];
            if (value == 0xFE) value = (short)(0xFE00 | il[i++]);
            var opcode = OpCodesByValue[value];
            var token = opcode.OperandType is OperandType.InlineField or OperandType.InlineMethod ? BitConverter.ToInt32(il, i) : 0;
            switch (opcode.OperandType)
            {
                case OperandType.InlineField:
                    var field = module.ResolveField(token, typeArgs, methodArgs);
                    if (field is not null && IsCompilerGenerated(field.DeclaringType)) fields.Add(field);
                    break;
                case OperandType.InlineMethod:
                    var callee = module.ResolveMethod(token, typeArgs, methodArgs);
                    if (callee is not null && (IsCompilerGenerated(callee.DeclaringType) || callee.Name.StartsWith('<')))
                        Scan(callee, fields, seen);
                    break;
            }
            i += OperandSize(opcode.OperandType, il, i);
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
