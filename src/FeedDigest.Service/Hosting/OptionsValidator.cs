using Microsoft.Extensions.Options;

namespace FeedDigest.Service.Hosting;

/// <summary>Adapts an options class's own Validate() to the options pipeline, for start-up and reloads alike.</summary>
internal sealed class OptionsValidator<TOptions>(Func<TOptions, IEnumerable<string>> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var problems = validate(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
