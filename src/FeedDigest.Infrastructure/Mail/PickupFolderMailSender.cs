using FeedDigest.Core.Ports;
using Microsoft.Extensions.Options;

namespace FeedDigest.Infrastructure.Mail;

/// <summary>
/// Writes each digest as an .eml file, named after its Message-ID, into a pickup folder that a
/// mail server (or a person) can take from. Written to a temporary name and renamed, so a reader
/// never sees half a message; writing the same digest again replaces the file, never duplicates it.
/// </summary>
internal sealed class PickupFolderMailSender(IOptionsMonitor<MailOptions> optionsMonitor, DkimMessageSigner signer, string contentRoot) : IMailSender
{
    public async Task<DeliveryResult> SendAsync(OutgoingMessage digest, CancellationToken cancellationToken)
    {
        var options = optionsMonitor.CurrentValue;
        var folder = Path.GetFullPath(options.PickupDirectory, contentRoot);
        if (MimeMessageBuilder.RecipientProblem(digest) is { } problem)
        {
            return new DeliveryResult.PermanentFailure(problem, RecipientRefused: true);
        }

        try
        {
            Directory.CreateDirectory(folder);
            var message = MimeMessageBuilder.Build(digest, options, signer);
            var name = string.Join('_', digest.MessageId.Split(Path.GetInvalidFileNameChars().Append('@').ToArray()));
            var path = Path.Combine(folder, name + ".eml");
            var temporary = path + ".tmp";
            await message.WriteToAsync(temporary, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
            return new DeliveryResult.Delivered();
        }
        catch (DkimKeyException exception)
        {
            return new DeliveryResult.TransientFailure(exception.Message);
        }
        catch (IOException exception)
        {
            return new DeliveryResult.TransientFailure($"cannot write to the pickup folder {folder}: {exception.Message}");
        }
        catch (UnauthorizedAccessException exception)
        {
            return new DeliveryResult.TransientFailure($"no permission to write to the pickup folder {folder}: {exception.Message}");
        }
    }
}
