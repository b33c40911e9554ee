using Microsoft.Extensions.Options;
using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// Checks a host's <see cref="ParallelClientOptions"/> when it starts (<c>ValidateOnStart</c>), naming the
/// failing setting by its configuration path ("OrleansParallel:GatewayPort"), and that a credential is there.
/// </summary>
internal sealed class ParallelClientOptionsValidation(string section) : IValidateOptions<ParallelClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ParallelClientOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            var setting = string.IsNullOrEmpty(section) ? e.ParamName : $"{section}:{e.ParamName}";
            return ValidateOptionsResult.Fail($"{setting}: {e.Message}");
        }
        try
        {
            options.ResolveSecurity();
        }
        catch (Exception e) when (e is ClusterCredentialException or ArgumentException)
        {
            return ValidateOptionsResult.Fail($"{(string.IsNullOrEmpty(section) ? "" : section + ": ")}{e.Message}");
        }
        return ValidateOptionsResult.Success;
    }
}
