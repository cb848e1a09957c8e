using System.Security.Cryptography;
using FeedDigest.Core.Subscriptions;

namespace FeedDigest.Service.Web;

/// <summary>The links' HMAC secret: from configuration, else from a file generated on first start.</summary>
internal static class TokenSecret
{
    public static string Resolve(WebOptions options, string contentRoot)
    {
        if (!string.IsNullOrEmpty(options.TokenSecret))
        {
            return options.TokenSecret;
        }

        var path = Path.GetFullPath(options.TokenSecretFile ?? throw new InvalidOperationException($"{WebOptions.SectionName}:TokenSecret is missing."), contentRoot);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var generated = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
            var write = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                write.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, write);
                writer.Write(generated);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process (a CLI command beside the service) wrote it first: use theirs.
            }
        }

        var secret = File.ReadAllText(path).Trim();
        return secret.Length >= LinkTokenSigner.MinimumSecretLength
            ? secret
            : throw new InvalidOperationException($"{WebOptions.SectionName}:TokenSecretFile: {path} holds fewer than {LinkTokenSigner.MinimumSecretLength} characters; delete it to have a new secret generated.");
    }
}
