namespace FeedDigest.Core.Topics;

/// <summary>Why a query could not be read: where (1-based, in characters) and what was expected there.</summary>
/// <param name="Found">What stood there instead; null at the end of the query.</param>
public sealed record QuerySyntaxError(int Position, string Expected, string? Found)
{
    public string Message => Found is null
        ? $"position {Position}: expected {Expected}"
        : $"position {Position}: expected {Expected}, found {Found}";

    public override string ToString() => Message;
}
