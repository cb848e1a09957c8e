namespace FeedDigest.Core.Topics;

/// <summary>
/// The prefix* anchors, as a trie: walking a word's characters down it finds every anchor that
/// starts the word in one pass, stopping as soon as no anchor continues (after a character or two
/// for most words), where looking up each start of the word would hash it once per length.
/// </summary>
internal sealed class PrefixTrie
{
    private readonly Node root = new();

    public void Add(string prefix, int topicIndex)
    {
        var node = root;
        foreach (var c in prefix)
        {
            node.Children ??= [];
            if (!node.Children.TryGetValue(c, out var child))
            {
                node.Children[c] = child = new Node();
            }

            node = child;
        }

        node.Topics ??= [];
        if (node.Topics.Count == 0 || node.Topics[^1] != topicIndex)
        {
            node.Topics.Add(topicIndex);
        }
    }

    /// <summary>Adds the topics of every anchor that is a prefix of <paramref name="word"/> (the whole word included).</summary>
    public void AddMatches(string word, HashSet<int> found)
    {
        var node = root;
        foreach (var c in word)
        {
            if (node.Children is null || !node.Children.TryGetValue(c, out node))
            {
                return;
            }

            if (node.Topics is not null)
            {
                found.UnionWith(node.Topics);
            }
        }
    }

    private sealed class Node
    {
        public Dictionary<char, Node>? Children { get; set; }

        public List<int>? Topics { get; set; }
    }
}
