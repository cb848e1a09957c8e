using System.CommandLine;
using System.Text.Json;
using FeedDigest.Core.Configuration;
using FeedDigest.Infrastructure.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FeedDigest.Service.Cli;

/// <summary><c>feeddigest subscribers add|remove|list|pause</c>: the configured subscribers, edited in the configuration file.</summary>
internal static class SubscribersCommand
{
    public static Command Create(Option<string?> config)
    {
        var command = new Command("subscribers", "Subscriber tools.");
        command.Subcommands.Add(CreateAdd(config));
        command.Subcommands.Add(CreateRemove(config));
        command.Subcommands.Add(CreateList(config));
        command.Subcommands.Add(CreatePause(config));
        return command;
    }

    private static Command CreateAdd(Option<string?> config)
    {
        var email = new Argument<string>("email") { Description = "The subscriber's email address." };
        var topics = new Option<string[]>("--topic") { Description = "A topic they receive (repeatable; at least one).", Required = true };
        var name = new Option<string?>("--name") { Description = "Their name, for the To: header." };
        var cadence = new Option<string?>("--cadence") { Description = "hourly, daily (the default) or weekly." };
        var sendAt = new Option<string?>("--send-at") { Description = "Local time of the digest, HH:mm (default 07:00)." };
        var day = new Option<string?>("--day") { Description = "The day of a weekly digest." };
        var cron = new Option<string?>("--cron") { Description = "A cron expression instead of --cadence and --send-at." };
        var timeZone = new Option<string?>("--time-zone") { Description = "IANA time zone, e.g. Asia/Shanghai (default UTC)." };
        var add = new Command("add", "Add a subscriber to the configuration file; an unknown topic or time zone is refused.");
        add.Arguments.Add(email);
        foreach (var option in new Option[] { topics, name, cadence, sendAt, day, cron, timeZone })
        {
            add.Options.Add(option);
        }

        add.SetAction((result, cancellationToken) =>
        {
            var address = result.GetValue(email)!;
            var values = new Dictionary<string, object?>
            {
                ["Email"] = address,
                ["Name"] = result.GetValue(name),
                ["Topics"] = result.GetValue(topics),
                ["Cadence"] = result.GetValue(cadence),
                ["SendAt"] = result.GetValue(sendAt),
                ["Day"] = result.GetValue(day),
                ["Cron"] = result.GetValue(cron),
                ["TimeZone"] = result.GetValue(timeZone),
            };
            var element = JsonSerializer.Serialize(values.Where(v => v.Value is not null).ToDictionary(), ConfigEdit.Json);
            return ConfigEdit.ApplyAsync(
                result.GetValue(config),
                ConfigEdit.AddUnique(ConfigEdit.SubscribersPath, element, s => IsSubscriber(s, address), $"{address} is a subscriber already."),
                $"Subscriber {address} added",
                cancellationToken);
        });
        return add;
    }

    private static Command CreateRemove(Option<string?> config)
    {
        var email = new Argument<string>("email") { Description = "The subscriber's email address." };
        var remove = new Command("remove", "Remove a subscriber from the configuration file.");
        remove.Arguments.Add(email);
        remove.SetAction((result, cancellationToken) =>
        {
            var address = result.GetValue(email)!;
            return ConfigEdit.ApplyAsync(
                result.GetValue(config),
                ConfigEdit.Remove(ConfigEdit.SubscribersPath, s => IsSubscriber(s, address), $"{address} is not a subscriber."),
                $"Subscriber {address} removed",
                cancellationToken);
        });
        return remove;
    }

    private static Command CreatePause(Option<string?> config)
    {
        var email = new Argument<string>("email") { Description = "The subscriber's email address." };
        var resume = new Option<bool>("--resume") { Description = "Resume their digests instead." };
        var pause = new Command("pause", "Pause a subscriber's digests (the stories of the slots that pass are skipped, not saved up); --resume undoes it.");
        pause.Arguments.Add(email);
        pause.Options.Add(resume);
        pause.SetAction((result, cancellationToken) =>
        {
            var address = result.GetValue(email)!;
            var paused = !result.GetValue(resume);
            return ConfigEdit.ApplyAsync(result.GetValue(config), (json, change) =>
            {
                json = JsonConfigEditor.SetMember(json, ConfigEdit.SubscribersPath, s => IsSubscriber(s, address), "Paused", paused ? "true" : "false", out var changed);
                if (changed == 0)
                {
                    change.Refusal = $"{address} is not a subscriber.";
                }

                return json;
            }, paused ? $"Subscriber {address} paused" : $"Subscriber {address} resumed", cancellationToken);
        });
        return pause;
    }

    private static Command CreateList(Option<string?> config)
    {
        var list = new Command("list", "List the configured subscribers: email, topics, schedule, time zone, paused.");
        list.SetAction((result, cancellationToken) => HostRunner.RunAsync(result.GetValue(config), withScheduler: false, async host =>
        {
            await HostRunner.ValidateAsync(host, cancellationToken).ConfigureAwait(false);
            foreach (var subscriber in host.Services.GetRequiredService<ICatalogSource>().Current.Subscribers)
            {
                Console.WriteLine($"{subscriber.Email}\t{string.Join(',', subscriber.TopicIds)}\t{subscriber.Schedule.Description}\t{subscriber.Schedule.TimeZone.Id}\t{(subscriber.Paused ? "paused" : "active")}");
            }

            return 0;
        }));
        return list;
    }

    private static bool IsSubscriber(JsonElement subscriber, string email) =>
        string.Equals(ConfigEdit.Text(subscriber, "Email")?.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase);
}
