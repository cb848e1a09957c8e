namespace FeedDigest.Core.Parsing;

/// <summary>How the characters of a text construct are to be read.</summary>
internal enum TextKind
{
    /// <summary>Plain text (Atom type="text").</summary>
    Text,

    /// <summary>HTML markup as characters (Atom type="html", RSS description).</summary>
    Html,

    /// <summary>XHTML markup as child elements (Atom type="xhtml").</summary>
    Xhtml,

    /// <summary>Base64-encoded content of another media type.</summary>
    Binary,

    /// <summary>No type was declared and the format does not say (RSS titles): HTML if it holds tags.</summary>
    Guess,
}
