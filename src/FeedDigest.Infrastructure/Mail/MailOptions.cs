using MimeKit;

namespace FeedDigest.Infrastructure.Mail;

public sealed class MailOptions
{
    public const string SectionName = "FeedDigest:Mail";

    /// <summary>"Pickup" writes .eml files to <see cref="PickupDirectory"/>; "Smtp" sends through <see cref="Smtp"/>.</summary>
    public string Transport { get; set; } = "Pickup";

    public string From { get; set; } = "FeedDigest <digest@localhost>";

    /// <summary>Where replies to a digest go (Reply-To); none when empty.</summary>
    public string? ReplyTo { get; set; }

    public DkimOptions Dkim { get; set; } = new();

    /// <summary>A relative path starts at the content root.</summary>
    public string PickupDirectory { get; set; } = "data/outbox";

    public SmtpOptions Smtp { get; set; } = new();

    public bool UsesSmtp => string.Equals(Transport, "Smtp", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<string> Validate()
    {
        if (!UsesSmtp && !string.Equals(Transport, "Pickup", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{SectionName}:Transport: \"{Transport}\" is neither \"Pickup\" nor \"Smtp\".";
        }

        if (!MailboxAddress.TryParse(From, out _))
        {
            yield return $"{SectionName}:From: \"{From}\" is not a mailbox such as \"FeedDigest <digest@example.org>\".";
        }

        if (!string.IsNullOrWhiteSpace(ReplyTo) && !MailboxAddress.TryParse(ReplyTo, out _))
        {
            yield return $"{SectionName}:ReplyTo: \"{ReplyTo}\" is not a mailbox such as \"Desk <desk@example.org>\".";
        }

        foreach (var problem in Dkim.Validate())
        {
            yield return problem;
        }

        if (!UsesSmtp && string.IsNullOrWhiteSpace(PickupDirectory))
        {
            yield return $"{SectionName}:PickupDirectory must name a folder when Transport is \"Pickup\".";
        }

        if (UsesSmtp)
        {
            foreach (var problem in Smtp.Validate())
            {
                yield return problem;
            }
        }
    }
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = string.Empty;

    public int Port { get; set; } = 587;

    /// <summary>"Auto", "None", "StartTls", "StartTlsWhenAvailable" or "SslOnConnect" (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "Auto";

    public string? UserName { get; set; }

    /// <summary>Never logged. Prefer the environment variable FeedDigest__Mail__Smtp__Password.</summary>
    public string? Password { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the connection stays open without a message before it is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most messages sent in a minute (evenly spaced); 0: no limit.</summary>
    public int MaxMessagesPerMinute { get; set; }

    public IEnumerable<string> Validate()
    {
        const string path = MailOptions.SectionName + ":Smtp";
        if (IdleTimeout <= TimeSpan.Zero)
        {
            yield return $"{path}:IdleTimeout must be positive (it is {IdleTimeout}).";
        }

        if (MaxMessagesPerMinute < 0)
        {
            yield return $"{path}:MaxMessagesPerMinute must not be negative (0 means no limit; it is {MaxMessagesPerMinute}).";
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return $"{path}:Host must name the SMTP server when Transport is \"Smtp\".";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{path}:Port must be between 1 and 65535 (it is {Port}).";
        }

        if (!Enum.TryParse<MailKit.Security.SecureSocketOptions>(Security, ignoreCase: true, out _))
        {
            yield return $"{path}:Security: \"{Security}\" is not one of Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect.";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return $"{path}:Timeout must be positive (it is {Timeout}).";
        }
    }
}
