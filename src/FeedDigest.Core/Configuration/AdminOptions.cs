namespace FeedDigest.Core.Configuration;

/// <summary>Who runs this FeedDigest: they are told when a feed keeps failing, and when it recovers.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "FeedDigest:Admin";

    /// <summary>The admin's email address; no notices are sent when it is empty.</summary>
    public string? Email { get; set; }

    public IEnumerable<string> Validate()
    {
        if (!string.IsNullOrWhiteSpace(Email) && !System.Net.Mail.MailAddress.TryCreate(Email, out _))
        {
            yield return $"{SectionName}:Email: \"{Email}\" is not an email address.";
        }
    }
}
