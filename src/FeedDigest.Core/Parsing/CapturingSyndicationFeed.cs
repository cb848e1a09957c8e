using System.ServiceModel.Syndication;
using System.Xml;
using System.Xml.Linq;

namespace FeedDigest.Core.Parsing;

/// <summary>
/// A <see cref="SyndicationFeed"/> that keeps the channel elements the formatter does not know, as
/// elements, when they can matter to us (see <see cref="ExtensionCapture"/>), and drops the rest
/// instead of buffering them as extensions.
/// </summary>
internal sealed class CapturingSyndicationFeed : SyndicationFeed
{
    public List<XElement> CapturedElements { get; } = [];

    protected override SyndicationItem CreateItem() => new CapturingSyndicationItem();

    protected override bool TryParseElement(XmlReader reader, string version) =>
        ExtensionCapture.CaptureOrSkip(reader, CapturedElements);
}
