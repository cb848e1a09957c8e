namespace FeedDigest.Core.Parsing;

/// <summary>
/// One output field fed from several elements: the value from the best-ranked source wins (rank 0 is
/// the format's own element, higher ranks are module fallbacks such as dc:creator for an author).
/// An empty string records that the element is present but empty (feedparser then reports ""); any
/// non-empty value, whatever its rank, replaces it.
/// </summary>
internal struct Candidate<T>
{
    private int rank;
    private bool isEmpty;

    public T? Value { get; private set; }

    public bool HasValue { get; private set; }

    /// <summary>Offers a value; among values of equal rank the first is kept unless <paramref name="lastWins"/>.</summary>
    public void Offer(T? value, int rank, bool lastWins = false)
    {
        if (value is null)
        {
            return;
        }

        var empty = value is string { Length: 0 };
        if (empty)
        {
            if (!HasValue)
            {
                Value = value;
                this.rank = rank;
                HasValue = true;
                isEmpty = true;
            }

            return;
        }

        if (!HasValue || isEmpty || rank < this.rank || (rank == this.rank && lastWins))
        {
            Value = value;
            this.rank = rank;
            HasValue = true;
            isEmpty = false;
        }
    }
}
