using System.Globalization;

namespace FeedDigest.Tests.Stories.Clustering;

/// <summary>
/// A feed written from a template: earthquake alerts, every item the same sentences around a town,
/// a magnitude, a distance and a depth. Each item is a different quake.
/// </summary>
internal static class TemplateAlerts
{
    private static readonly string[] Towns = ["Hilo", "Anchorage", "Ridgecrest", "Ferndale", "Tonopah", "Parkfield", "Hollister", "Nome", "Kodiak", "Eureka", "Bishop", "Coalinga", "Hawthorne", "Seward", "Valdez", "Talkeetna", "Cordova", "Big Pine", "Ojai", "Fillmore", "Barstow", "Needles", "Blythe", "Calexico", "Brawley", "Borrego", "Julian", "Idyllwild", "Banning", "Yucaipa", "Tehachapi", "Lebec", "Frazier Park", "Taft", "Avenal", "Lemoore", "Hanford", "Visalia", "Porterville", "Lindsay", "Exeter", "Woodlake", "Reedley", "Sanger", "Kerman", "Firebaugh", "Dos Palos", "Los Banos", "Gustine", "Newman", "Patterson", "Westley", "Tracy", "Lathrop", "Manteca", "Ripon", "Escalon", "Oakdale", "Sonora", "Jamestown"];
    private static readonly string[] Directions = ["north", "south", "east", "west", "northeast", "southwest"];
    private static readonly string[] Remarks = ["No tsunami warning was issued.", "Residents reported light shaking.", "There were no immediate reports of damage.", "Aftershocks are expected over the coming days.", "The quake was felt across the region.", "Officials said they were assessing roads and bridges."];

    /// <summary><paramref name="count"/> alerts, the same for the same <paramref name="seed"/>.</summary>
    public static IReadOnlyList<(string Title, string Summary)> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var alerts = new List<(string Title, string Summary)>(count);
        for (var i = 0; i < count; i++)
        {
            alerts.Add(Alert(random, Towns[random.Next(Towns.Length)]));
        }

        return alerts;
    }

    /// <summary>One alert about <paramref name="town"/>, which need not be among the usual towns.</summary>
    public static (string Title, string Summary) Alert(Random random, string town)
    {
        ArgumentNullException.ThrowIfNull(random);
        var magnitude = (random.Next(25, 70) / 10.0).ToString("0.0", CultureInfo.InvariantCulture);
        var distance = random.Next(2, 60);
        var direction = Directions[random.Next(Directions.Length)];
        return (
            $"M {magnitude} earthquake - {distance} km {direction} of {town}",
            $"A magnitude {magnitude} earthquake struck {distance} kilometres {direction} of {town} at a depth of {random.Next(1, 40)} km. {Remarks[random.Next(Remarks.Length)]} {Remarks[random.Next(Remarks.Length)]}");
    }
}
