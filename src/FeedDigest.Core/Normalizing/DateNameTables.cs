using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace FeedDigest.Core.Normalizing;

/// <summary>
/// The words that feed dates are written with: month names, weekday names and zone names.
/// Keys are compared without case and without diacritics (see <see cref="Fold"/>), so
/// "JANUARY", "Jänner", "Ιούλ" and "július" need one entry each.
/// </summary>
internal static class DateNameTables
{
    /// <summary>Month names and abbreviations to month numbers 1-12.</summary>
    private static readonly FrozenDictionary<string, int> Months = BuildMonths();

    /// <summary>
    /// Weekday names. Only recognised so that they can be skipped: in RFC 2822 section 3.3 the weekday
    /// is optional and only restates the date, and a wrong one is common, so it never decides or
    /// rejects the date.
    /// </summary>
    private static readonly FrozenSet<string> Weekdays = new[]
    {
        // English, with the abbreviations seen in the wild beyond RFC 822's three letters.
        "mon", "monday", "tue", "tues", "tuesday", "wed", "weds", "wednesday", "thu", "thur", "thurs",
        "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday",

        // Greek, as feedparser's Greek handler knows them, and in full.
        "κυρ", "δευ", "τρι", "τετ", "πεμ", "παρ", "σαβ",
        "κυριακη", "δευτερα", "τριτη", "τεταρτη", "πεμπτη", "παρασκευη", "σαββατο",

        // Full names only in other languages: their abbreviations clash with English month names
        // (Spanish "mar" is Tuesday), and a month must never be mistaken for a weekday.
        "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
        "lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "domenica",
        "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
        "hetfo", "kedd", "szerda", "csutortok", "pentek", "szombat", "vasarnap",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Little words that sit between the parts of a written date ("2 de enero de 2006",
    /// "Jan 2, 2006 at 15:04", "2. Januar 2006 um 15:04 Uhr") and carry no value.
    /// </summary>
    private static readonly FrozenSet<string> Fillers = new[]
    {
        "at", "of", "de", "del", "um", "uhr",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Zone names to their offset from UTC in minutes. RFC 822 section 5.1 defines UT, GMT, Z, the
    /// North American zones and the military letters; the rest are the abbreviations feeds use.
    /// Where an abbreviation is ambiguous the most common meaning in feeds wins: CST is US Central
    /// (RFC 822), IST is India, BST is British Summer Time.
    /// </summary>
    private static readonly FrozenDictionary<string, int> Zones = BuildZones();

    /// <summary>
    /// The zone names that an offset may qualify, as in "GMT+8" and "UTC-05:00". Z is not among them:
    /// in "Z-0800" the Z ends an ISO 8601 time and the offset is a second, contradicting zone.
    /// </summary>
    private static readonly FrozenSet<string> UtcNames = new[]
    {
        "ut", "utc", "gmt", "uct", "etc/gmt", "etc/utc", "etc/uct", "etc/zulu", "etc/universal",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static bool TryGetMonth(string folded, out int month) => Months.TryGetValue(folded, out month);

    public static bool IsWeekday(string folded) => Weekdays.Contains(folded);

    public static bool IsFiller(string folded) => Fillers.Contains(folded);

    public static bool TryGetZone(string name, out int offsetMinutes) => Zones.TryGetValue(name, out offsetMinutes);

    public static bool IsUtcName(string name) => UtcNames.Contains(name);

    /// <summary>
    /// Drops diacritics (é to e, ύ to υ, ő to o) so that tables need no spelling per accent or per
    /// legacy encoding; case is left to the tables' case-insensitive comparer. Hangul is kept whole.
    /// </summary>
    public static string Fold(string word)
    {
        if (Ascii.IsValid(word))
        {
            return word;
        }

        var decomposed = word.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        // Recompose, so that Hangul jamo become syllables again.
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    private static FrozenDictionary<string, int> BuildMonths()
    {
        // One row per month; every word in a row names that month.
        string[][] rows =
        [
            ["jan", "january", "januar", "janner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "januari", "janeiro",
                "ιαν", "ιανουαριος", "ιανουαριου"],
            ["feb", "february", "februar", "fevrier", "fevr", "fev", "febrero", "febbraio", "februari", "fevereiro",
                "φεβ", "φεβρουαριος", "φεβρουαριου"],
            ["mar", "march", "marz", "mars", "marzo", "maart", "marcius", "marco",
                "μαρ", "μαω", "μαρτιος", "μαρτιου"],
            ["apr", "april", "avril", "avr", "abril", "abr", "aprile", "aprilis",
                "απρ", "απριλιος", "απριλιου"],
            ["may", "mai", "mayo", "maggio", "mag", "mei", "maio", "majus", "maujus",
                "μαι", "μαιος", "μαιου"],
            ["jun", "june", "juni", "juin", "junio", "giugno", "giu", "junho", "junius",
                "ιουν", "ιον", "ιουνιος", "ιουνιου"],
            ["jul", "july", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "julius",
                "ιουλ", "ιολ", "ιουλιος", "ιουλιου"],
            ["aug", "august", "aout", "agosto", "ago", "augustus", "augusztus",
                "αυγ", "αυγουστος", "αυγουστου"],
            ["sep", "sept", "september", "septembre", "septiembre", "setiembre", "settembre", "set", "setembro", "szeptember",
                "σεπ", "σεπτεμβριος", "σεπτεμβριου"],
            ["oct", "october", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out",
                "οκτ", "οκτωβριος", "οκτωβριου"],
            ["nov", "november", "novembre", "noviembre", "novembro",
                "νοε", "νοεμβριος", "νοεμβριου"],
            ["dec", "december", "dezember", "dez", "decembre", "diciembre", "dic", "dicembre", "dezembro",
                "δεκ", "δεκεμβριος", "δεκεμβριου"],
        ];
        var months = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < rows.Length; i++)
        {
            foreach (var name in rows[i])
            {
                months.Add(name, i + 1);
            }
        }

        return months.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static FrozenDictionary<string, int> BuildZones()
    {
        var zones = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
        {
            // RFC 822 section 5.1 and RFC 2822 section 4.3.
            ["ut"] = 0, ["utc"] = 0, ["gmt"] = 0, ["z"] = 0, ["uct"] = 0, ["zulu"] = 0,
            ["est"] = -5 * 60, ["edt"] = -4 * 60, ["cst"] = -6 * 60, ["cdt"] = -5 * 60,
            ["mst"] = -7 * 60, ["mdt"] = -6 * 60, ["pst"] = -8 * 60, ["pdt"] = -7 * 60,

            // North America beyond RFC 822, and the generic "Eastern Time" forms (feedparser knows them too).
            ["ast"] = -4 * 60, ["adt"] = -3 * 60, ["at"] = -4 * 60, ["et"] = -5 * 60, ["ct"] = -6 * 60,
            ["mt"] = -7 * 60, ["pt"] = -8 * 60, ["akst"] = -9 * 60, ["akdt"] = -8 * 60, ["hst"] = -10 * 60,
            ["hast"] = -10 * 60, ["hadt"] = -9 * 60, ["nst"] = (-3 * 60) - 30, ["ndt"] = (-2 * 60) - 30,

            // South America.
            ["brt"] = -3 * 60, ["brst"] = -2 * 60, ["art"] = -3 * 60,

            // Europe and Africa (MEZ/MESZ are the German names of CET/CEST).
            ["wet"] = 0, ["west"] = 60, ["bst"] = 60, ["cet"] = 60, ["cest"] = 2 * 60, ["met"] = 60,
            ["mest"] = 2 * 60, ["mez"] = 60, ["mesz"] = 2 * 60, ["eet"] = 2 * 60, ["eest"] = 3 * 60,
            ["msk"] = 3 * 60, ["msd"] = 4 * 60, ["wat"] = 60, ["cat"] = 2 * 60, ["sast"] = 2 * 60,
            ["eat"] = 3 * 60,

            // Asia and Oceania.
            ["ist"] = (5 * 60) + 30, ["pkt"] = 5 * 60, ["npt"] = (5 * 60) + 45, ["ict"] = 7 * 60, ["wib"] = 7 * 60,
            ["hkt"] = 8 * 60, ["sgt"] = 8 * 60, ["myt"] = 8 * 60, ["pht"] = 8 * 60, ["awst"] = 8 * 60,
            ["jst"] = 9 * 60, ["kst"] = 9 * 60, ["acst"] = (9 * 60) + 30, ["acdt"] = (10 * 60) + 30,
            ["aest"] = 10 * 60, ["aedt"] = 11 * 60, ["nzst"] = 12 * 60, ["nzdt"] = 13 * 60,
        };

        foreach (var name in new[] { "etc/gmt", "etc/utc", "etc/uct", "etc/zulu", "etc/universal" })
        {
            zones[name] = 0;
        }

        // RFC 822 section 5.1 military zones: A-I and K-M are -1 to -12 hours, N-Y are +1 to +12 and
        // J is unused. RFC 1123 section 5.2.14 notes that RFC 822 got the signs backwards, so senders
        // disagree; RFC 822 is followed here, as feedparser does.
        for (var letter = 'a'; letter <= 'm'; letter++)
        {
            if (letter != 'j')
            {
                var hours = letter < 'j' ? letter - 'a' + 1 : letter - 'a';
                zones[new string(letter, 1)] = -hours * 60;
            }
        }

        for (var letter = 'n'; letter <= 'y'; letter++)
        {
            zones[new string(letter, 1)] = (letter - 'n' + 1) * 60;
        }

        return zones.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
