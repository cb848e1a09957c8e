using System.ServiceModel.Syndication;
using System.Xml;
using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>A <see cref="SyndicationItem"/> that keeps the item elements we read beyond Syndication's model.</summary>
internal sealed class CapturingSyndicationItem : SyndicationItem
{
    public List<XElement> CapturedElements { get; } = [];

    protected override bool TryParseElement(XmlReader reader, string version) =>
        ExtensionCapture.CaptureOrSkip(reader, CapturedElements);
}
