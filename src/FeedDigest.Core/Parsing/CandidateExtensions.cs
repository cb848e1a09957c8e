namespace FeedDigest.Core.Parsing;

internal static class CandidateExtensions
{
    /// <summary>Offers a date that may not have parsed; an unparsed date offers nothing.</summary>
    public static void Offer(ref this Candidate<DateTimeOffset> candidate, DateTimeOffset? value, int rank)
    {
        if (value is { } date)
        {
            candidate.Offer(date, rank);
        }
    }
}
