using FeedDigest.Infrastructure.Mail;
using FeedDigest.IntegrationTests.Support;
using FeedDigest.Service.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedDigest.IntegrationTests.Service;

/// <summary>Secrets come from files or the environment and never show in logs or in <c>config</c> output.</summary>
public sealed class SecretsTests
{
    private const string PasswordFromFile = "pw-from-file-4711";
    private const string TokenFromEnvironment = "token-from-env-0815";

    [Fact]
    public async Task SecretFromAKeyPerFileDirectory_ReachesTheMailSettings()
    {
        using var directory = new TempDirectory();
        var secrets = Directory.CreateDirectory(Path.Combine(directory.Path, "secrets")).FullName;
        // As docker secrets and systemd credentials write them: the value, maybe with a newline.
        await File.WriteAllTextAsync(Path.Combine(secrets, "FeedDigest__Mail__Smtp__Password"), PasswordFromFile + "\n");
        var file = Path.Combine(directory.Path, "appsettings.json");
        await File.WriteAllTextAsync(file, """{ "FeedDigest": { "SecretsDirectory": "secrets", "Mail": { "Smtp": { "Password": "in-the-file" } } } }""");

        using var host = FeedDigestHost.CreateBuilder(file, withScheduler: false, b => b.Logging.ClearProviders(), directory.Path).Build();

        Assert.Equal(PasswordFromFile, host.Services.GetRequiredService<IOptions<MailOptions>>().Value.Smtp.Password);
    }

    [Fact]
    public async Task Secrets_NeverAppearInTheServiceLog_NorInConfigShowOrValidate()
    {
        using var directory = new TempDirectory();
        await using var smtp = InProcessSmtpServer.Start();
        Directory.CreateDirectory(Path.Combine(directory.Path, "feeds"));
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "feeds", "wire.xml"), FeedDocuments.Rss(("1", "Censorship story", "about censorship")));
        var secrets = Directory.CreateDirectory(Path.Combine(directory.Path, "secrets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "FeedDigest__Mail__Smtp__Password"), PasswordFromFile);
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "appsettings.json"), $$"""
            {
              "FeedDigest": {
                "SecretsDirectory": "secrets",
                "Polling": { "TickInterval": "00:00:01" },
                "Stories": { "NewFeedWindow": "3650.00:00:00" },
                "Digests": { "TickInterval": "00:00:01", "RetryInterval": "00:00:01" },
                "Mail": {
                  "Transport": "Smtp", "From": "digest@feeddigest.test",
                  "Smtp": { "Host": "127.0.0.1", "Port": {{smtp.Port}}, "Security": "None", "UserName": "digest", "Timeout": "00:00:05" }
                },
                "Feeds": [ { "Id": "wire", "Url": "feeds/wire.xml" } ],
                "Topics": [ { "Id": "censorship", "Query": "censorship" } ],
                "Subscribers": [ { "Email": "editor@example.org", "Topics": [ "censorship" ], "Cron": "*/2 * * * * *" } ]
              }
            }
            """);
        var environment = new Dictionary<string, string>
        {
            ["FeedDigest__Web__TokenSecret"] = TokenFromEnvironment,
            ["Logging__LogLevel__Default"] = "Trace",
        };

        await using (var service = RunningService.Start(directory.Path, environment))
        {
            // The in-process server offers no AUTH, so logging in with the password fails and is
            // logged: the error path, where a careless message would carry the secret.
            Assert.True(await service.WaitForOutputAsync("not sent", TimeSpan.FromSeconds(60)), service.Output);
            service.Signal(RunningService.SignalTerminate);
            await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
            AssertNoSecret(service.Output);
        }

        var show = await FeedDigestProcess.RunAsync(directory.Path, "config", "show");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("FeedDigest:Mail:Smtp:Password = (hidden)", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("FeedDigest:Mail:Smtp:UserName = digest", show.Stdout, StringComparison.Ordinal);
        AssertNoSecret(show.Stdout + show.Stderr);

        var validate = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate");
        Assert.True(validate.ExitCode == 0, validate.Stderr);
        AssertNoSecret(validate.Stdout + validate.Stderr);
    }

    [Fact]
    public async Task ConfigShow_HidesASecretFromTheEnvironment_AndSaysWhereEachSettingComesFrom()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "settings.json");
        await File.WriteAllTextAsync(file, """{ "FeedDigest": { "Web": { "TokenSecret": "token-in-the-file" }, "Polling": { "TickInterval": "00:00:05" } } }""");

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "config", "show", "--config", file);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains($"FeedDigest:Polling:TickInterval = 00:00:05    [{file}]", stdout, StringComparison.Ordinal);
        Assert.Contains("FeedDigest:Web:TokenSecret = (hidden)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("token-in-the-file", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigShow_HidesHeaderValuesAndThePasswordsInUrlsAndConnectionStrings()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "settings.json");
        await File.WriteAllTextAsync(file, """
            {
              "FeedDigest": {
                "Storage": { "ConnectionString": "Data Source=data/fd.db;Password=conn-pw-31" },
                "Feeds": [ {
                  "Id": "private", "Url": "https://reader:url-pw-32@feeds.example/private.xml",
                  "Headers": [ "X-Api-Key: key-33" ], "Proxy": "http://puser:proxy-pw-34@127.0.0.1:3128"
                } ]
              }
            }
            """);

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "config", "show", "--config", file);

        Assert.True(exitCode == 0, stderr);
        foreach (var secret in new[] { "conn-pw-31", "url-pw-32", "key-33", "proxy-pw-34" })
        {
            Assert.DoesNotContain(secret, stdout, StringComparison.Ordinal);
        }

        Assert.Contains("FeedDigest:Feeds:0:Headers:0 = X-Api-Key: (hidden)", stdout, StringComparison.Ordinal);
        Assert.Contains("FeedDigest:Feeds:0:Proxy = http://(hidden)@127.0.0.1:3128", stdout, StringComparison.Ordinal);
        Assert.Contains("FeedDigest:Feeds:0:Url = https://(hidden)@feeds.example/private.xml", stdout, StringComparison.Ordinal);
        Assert.Contains("data source=data/fd.db;password=(hidden)", stdout, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ConfigValidate_NamesAMalformedHeaderOrProxy_WithoutRepeatingWhatMayBeASecret()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "settings.json");
        await File.WriteAllTextAsync(file, """
            {
              "FeedDigest": {
                "Feeds": [
                  { "Id": "a", "Url": "https://feeds.example/a.xml", "Headers": [ "Authorization Bearer tok-secret-41" ] },
                  { "Id": "b", "Url": "https://feeds.example/b.xml", "Proxy": "puser:proxy-pw-42@proxy.example:3128" }
                ]
              }
            }
            """);

        var (exitCode, stdout, stderr) = await FeedDigestProcess.RunAsync(directory.Path, "config", "validate", "--config", file);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("FeedDigest:Feeds:0:Headers:0: is not a header written as", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("FeedDigest:Feeds:1:Proxy:", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-secret-41", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("proxy-pw-42", stdout + stderr, StringComparison.Ordinal);
    }

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(PasswordFromFile, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TokenFromEnvironment, text, StringComparison.Ordinal);
    }
}
