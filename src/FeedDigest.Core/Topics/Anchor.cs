namespace FeedDigest.Core.Topics;

/// <summary>
/// A token (or the start of one, for prefix* terms) that a story must contain for a term to match
/// it: how the compiled matcher finds the few topics worth evaluating for a story.
/// </summary>
/// <param name="Key">A word, a CJK character or character pair, or a language key (<see cref="TermNode.LanguageKey"/>).</param>
/// <param name="Cost">A guess at how common the key is in stories: lower is rarer, so fewer topics are woken for nothing.</param>
internal readonly record struct Anchor(string Key, bool IsPrefix, double Cost);
