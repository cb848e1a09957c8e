namespace FeedDigest.Core.Topics;

internal enum QueryTokenKind
{
    Word,
    Phrase,
    Field,
    And,
    Or,
    Not,
    OpenParen,
    CloseParen,
    End,
}
