using FeedDigest.Core.Stories;

namespace FeedDigest.Tests.Stories;

public sealed class StoredStoryTests
{
    private static readonly DateTimeOffset FirstSeen = new(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("1970-01-01T00:00:00Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("1900-01-01T00:00:00Z")]
    public void DateOf_APlaceholderDate_IsTakenAsNone_TheStoryIsDatedWhenFirstSeen(string published) =>
        Assert.Equal(FirstSeen, StoredStory.DateOf(DateTimeOffset.Parse(published, System.Globalization.CultureInfo.InvariantCulture), FirstSeen));

    [Fact]
    public void DateOf_AnOldRealDate_AndARecentOne_AreKept_AFutureOneIsNot()
    {
        var archived = new DateTimeOffset(1998, 5, 4, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(archived, StoredStory.DateOf(archived, FirstSeen));
        Assert.Equal(FirstSeen.AddHours(-3), StoredStory.DateOf(FirstSeen.AddHours(-3), FirstSeen));
        Assert.Equal(FirstSeen, StoredStory.DateOf(FirstSeen.AddDays(30), FirstSeen));
    }
}
