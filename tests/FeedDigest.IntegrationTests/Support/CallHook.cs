using System.Reflection;

namespace FeedDigest.IntegrationTests.Support;

/// <summary>
/// A port's real implementation with a hook that runs before each call, given the method's name:
/// for a test to make something happen at a chosen point of a run (another job's step, a failure).
/// </summary>
#pragma warning disable CA1852 // DispatchProxy.Create needs a type it can derive from.
internal class CallHook<T> : DispatchProxy
    where T : class
{
    private T inner = null!;
    private Func<string, Task> before = null!;

    public static T Wrap(T inner, Func<string, Task> before)
    {
        var proxy = Create<T, CallHook<T>>();
        var hook = (CallHook<T>)(object)proxy;
        hook.inner = inner;
        hook.before = before;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        before(targetMethod.Name).GetAwaiter().GetResult();
        try
        {
            return targetMethod.Invoke(inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception.InnerException);
            throw;
        }
    }
}
#pragma warning restore CA1852
