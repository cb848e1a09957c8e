using FeedDigest.Core.Ports;
using Microsoft.Extensions.Logging;

namespace FeedDigest.Core.Configuration;

/// <summary>
/// An email to the admin (<see cref="AdminOptions.Email"/>): plain text, its HTML made from it. It
/// never throws for a mail failure, so a notice cannot stop the poll or the digest run that sends
/// it; a notice not sent is reported as such, to be tried again.
/// </summary>
internal static class AdminMail
{
    /// <param name="kind">The notice's kind, the start of its Message-ID ("feed-failing").</param>
    /// <param name="about">What it is about, for the log ("about feed f1", "that subscriber a@b.c was suspended").</param>
    /// <returns>Whether the admin was told, or nobody is configured to be told.</returns>
    public static async Task<bool> TrySendAsync(
        IMailSender mailSender, string? admin, string kind, string subject, string text, string about, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(admin))
        {
            logger.LogWarning("{Subject}. Set FeedDigest:Admin:Email to be told by email", subject);
            return true;
        }

        var html = $"<p>{System.Net.WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal)}</p>";
        var message = new OutgoingMessage($"{kind}.{Guid.NewGuid():N}", admin, null, subject, html, text, now);
        DeliveryResult result;
        try
        {
            result = await mailSender.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A sender should return a refusal as a value, but one that throws (MailKit's
            // ServiceNotAuthenticatedException for "530 Authentication required") must not reach the
            // poller or the dispatcher: all their work would stop over a notice.
            logger.LogWarning(
                exception,
                "Could not tell the admin ({AdminSetting} = {Admin}) {About}: sending the notice failed ({Error}); will try again. Check the mail settings",
                $"{AdminOptions.SectionName}:Email", admin, about, exception.Message);
            return false;
        }

        if (result is DeliveryResult.Delivered)
        {
            logger.LogInformation("Told the admin: {Subject}", subject);
            return true;
        }

        logger.LogWarning("Could not tell the admin {About}: {Result}; will try again", about, result);
        return false;
    }
}
