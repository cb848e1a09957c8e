using FeedDigest.Core.Normalizing;
using FeedDigest.Core.Stories;

namespace FeedDigest.Core.Topics;

/// <summary>A story as topic queries see it: each field tokenized once (<see cref="TopicText"/>).</summary>
internal sealed class StoryText
{
    private StoryText(string feedId, string[] title, string[] summary, string[][] categories, string[][] source, string? language, bool isSimplified)
    {
        IsSimplified = isSimplified;
        FeedId = feedId;
        Title = title;
        Summary = summary;
        Categories = categories;
        Source = source;
        Language = language;
    }

    private HashSet<string>? tokenSet;

    public string FeedId { get; }

    /// <summary>
    /// Whether the story's Traditional Chinese characters are read in their Simplified form (<see
    /// cref="TopicText.Simplified"/>): all but Japanese stories (kana, or a feed configured as ja).
    /// </summary>
    public bool IsSimplified { get; }

    public string[] Title { get; }

    public string[] Summary { get; }

    /// <summary>Each category apart, so a phrase never runs from one category into the next.</summary>
    public string[][] Categories { get; }

    /// <summary>The feed's id and its title, apart.</summary>
    public string[][] Source { get; }

    /// <summary>The feed's configured language, lower-case (zh-cn); null when none is configured.</summary>
    public string? Language { get; }

    /// <summary>
    /// Whether every token (but a prefix) occurs somewhere in the story: a term missing one cannot
    /// match in any field, and most terms of the topics evaluated for a story are missing, so this
    /// spares scanning the fields for them. The set is built on the first call.
    /// </summary>
    public bool MayContain(IReadOnlyList<string> tokens, bool lastIsPrefix)
    {
        tokenSet ??= BuildTokenSet();
        var count = lastIsPrefix ? tokens.Count - 1 : tokens.Count;
        for (var i = 0; i < count; i++)
        {
            if (!tokenSet.Contains(tokens[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <param name="source">The tokens of the feed's id and title as written, computed once per feed.</param>
    /// <param name="simplifiedSource">The same with a Chinese title's characters in Simplified form: the title as a story read so reads it.</param>
    public static StoryText Create(StoredStory story, string[][] source, string[][] simplifiedSource, string? language)
    {
        // A Japanese story's kanji stay as they are: folded, 審査 (screening) would read as 审查 (censorship).
        var simplify = !(language?.StartsWith("ja", StringComparison.Ordinal) ?? false) && ChineseCharacters.Folds(story.Title, story.Summary);
        var categories = new string[story.Categories.Count][];
        for (var i = 0; i < categories.Length; i++)
        {
            categories[i] = TopicText.Tokenize(story.Categories[i], simplify);
        }

        // A source: keyword is looked for in the form the story is read in: the feed's title must be in it too.
        return new StoryText(story.FeedId, TopicText.Tokenize(story.Title, simplify), TopicText.Tokenize(story.Summary, simplify), categories, simplify ? simplifiedSource : source, language, simplify);
    }

    private HashSet<string> BuildTokenSet()
    {
        var set = new HashSet<string>(Title, StringComparer.Ordinal);
        set.UnionWith(Summary);
        foreach (var sequence in Categories.Concat(Source))
        {
            set.UnionWith(sequence);
        }

        return set;
    }
}
