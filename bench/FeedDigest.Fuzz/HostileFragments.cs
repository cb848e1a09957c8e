using System.Globalization;
using System.Text;

namespace FeedDigest.Fuzz;

/// <summary>
/// Byte sequences that have broken feed parsers before: markup left open, DTD tricks, entity
/// abuse, nesting and size extremes, bad encodings, and their JSON counterparts. The mutator
/// splices them into real documents.
/// </summary>
public static class HostileFragments
{
    public static IReadOnlyList<(string Name, byte[] Bytes)> All { get; } = Build();

    private static List<(string Name, byte[] Bytes)> Build()
    {
        var fragments = new List<(string Name, byte[] Bytes)>();
        void Text(string name, string text) => fragments.Add((name, Encoding.UTF8.GetBytes(text)));
        void Raw(string name, params byte[] bytes) => fragments.Add((name, bytes));

        // Markup left open or closed twice.
        Text("unclosed-item", "<item><title>unclosed");
        Text("unclosed-channel", "<channel><item><description>");
        Text("unclosed-cdata", "<![CDATA[never closed");
        Text("cdata-end", "]]>");
        Text("unclosed-comment", "<!-- never closed");
        Text("stray-close-tags", "</item></channel></rss></feed>");
        Text("unclosed-attribute", "<link href=\"https://x.example/");
        Text("processing-instructions", "<?php echo 1; ?><?xml-stylesheet href=\"x.xsl\"?>");

        // DTDs: entity expansion bombs, external entities, public identifiers.
        var laughs = new StringBuilder("<!DOCTYPE rss [<!ENTITY lol0 \"lol\">");
        for (var level = 1; level <= 9; level++)
        {
            laughs.Append(CultureInfo.InvariantCulture, $"<!ENTITY lol{level} \"")
                .Insert(laughs.Length, $"&lol{level - 1};", 10)
                .Append("\">");
        }

        Text("doctype-billion-laughs", laughs.Append("]>").ToString());
        Text("doctype-xxe", "<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>");
        Text("doctype-external-dtd", "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"http://my.netscape.com/publish/formats/rss-0.91.dtd\">");
        Text("doctype-parameter-entity", "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/x\"> %p;]>");
        Text("entity-references", "&xxe;&lol9;&p;");

        // Entities and character references.
        Text("bogus-entity", "&bogus;");
        Text("html-entities", "&nbsp;&eacute;&mdash;&hellip;&rsquo;&euro;");
        Text("bad-character-references", "&#0;&#xD800;&#x110000;&#99999999999;&#xFFFE;&#;&#x;");
        Text("bare-ampersands", "AT&T & &amp &lt &");
        Text("long-entity-name", "&" + new string('a', 10_000) + ";");
        Text("escaped-markup-deep", string.Concat(Enumerable.Repeat("&lt;b&gt;", 20_000)));

        // Nesting and size extremes.
        Text("deep-nesting-xml", string.Concat(Enumerable.Repeat("<a>", 20_000)));
        Text("deep-nesting-closed", string.Concat(Enumerable.Repeat("<a>", 5_000)) + string.Concat(Enumerable.Repeat("</a>", 5_000)));
        Text("deep-nesting-html", string.Concat(Enumerable.Repeat("&lt;div&gt;", 5_000)) + "x");
        Text("huge-attribute", "<link href=\"https://x.example/" + new string('x', 256 * 1024) + "\"/>");
        Text("many-attributes", "<item " + string.Join(' ', Enumerable.Range(0, 5_000).Select(i => $"a{i}=\"v\"")) + ">");
        Text("many-namespaces", "<item " + string.Join(' ', Enumerable.Range(0, 2_000).Select(i => $"xmlns:n{i}=\"urn:n{i}\"")) + ">");
        Text("long-line", new string('a', 512 * 1024));
        Text("long-white-space", new string(' ', 64 * 1024));
        Text("many-items", string.Concat(Enumerable.Repeat("<item><title>t</title></item>", 20_000)));

        // Encodings: byte order marks anywhere, invalid UTF-8, declarations that lie.
        Raw("utf8-bom", 0xEF, 0xBB, 0xBF);
        Raw("utf16le-bom", 0xFF, 0xFE);
        Raw("utf16be-bom", 0xFE, 0xFF);
        Raw("utf32le-bom", 0xFF, 0xFE, 0x00, 0x00);
        Raw("utf32be-bom", 0x00, 0x00, 0xFE, 0xFF);
        Raw("invalid-utf8", 0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC, 0xFF, 0xFE, 0xED, 0xA0, 0x80, 0xC0, 0xAF, 0xF4, 0x90, 0x80, 0x80);
        Raw("truncated-utf8", 0xE6, 0x97);
        Raw("control-characters", 0x00, 0x01, 0x02, 0x08, 0x0B, 0x0C, 0x0E, 0x1F, 0x7F);
        fragments.Add(("nul-run", new byte[1024]));
        Text("declaration-utf16", "<?xml version=\"1.0\" encoding=\"utf-16\"?>");
        Text("declaration-utf32", "<?xml version=\"1.0\" encoding=\"utf-32\"?>");
        Text("declaration-unknown", "<?xml version=\"1.0\" encoding=\"x-no-such-charset\"?>");
        Text("declaration-ebcdic", "<?xml version=\"1.0\" encoding=\"IBM037\"?>");
        Text("declaration-xml11", "<?xml version=\"1.1\" standalone=\"maybe\"?>");

        // Namespaces, roots and values the mapping has to survive.
        Text("undeclared-prefix", "<foo:bar>x</foo:bar>");
        Text("bad-xmlns", "<x xmlns:a=\"\" xmlns:xml=\"urn:wrong\">");
        Text("xml-base", "<entry xml:base=\"::not a uri::\">");
        Text("bad-links", "<link>http://[::1</link><link href=\"javascript:alert(1)\"/><guid isPermaLink=\"true\">%%%</guid>");
        Text("bad-dates", "<pubDate>Mon, 99 Foo 99999 99:99:99 +9999</pubDate><updated>0000-00-00T25:61:61+99:99</updated><dc:date>9999-12-31T23:59:59-14:00</dc:date>");
        Text("bad-enclosure", "<enclosure url=\"x\" length=\"-1e309\" type=\"\"/>");
        Text("rss-version-091", "<rss version=\"0.91\">");
        Text("rss-no-version", "<rss>");
        Text("atom-root", "<feed xmlns=\"http://www.w3.org/2005/Atom\">");
        Text("rdf-root", "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">");
        Text("html-in-title", "<title><script>alert(1)</script><style>*{}</style><b>bold</b></title>");

        // JSON Feed: structure, escapes, types and numbers.
        Text("json-feed-head", "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[");
        Text("json-item", "{\"id\":1e400,\"url\":\"/x\",\"title\":{\"a\":[]},\"date_published\":\"9999-12-31T23:59:59-14:00\",\"authors\":[null,{\"name\":[]}]},");
        Text("json-lone-surrogates", "\"\\ud800\":\"\\udc00x\\ud800\",");
        Text("json-wrong-types", "\"items\":5,\"title\":[],\"authors\":{},\"author\":\"x\",\"feed_url\":\"::\",");
        Text("json-punctuation", "}]},[{,:\"");
        Text("json-number", "-0.0e-99999");
        Text("json-bad-escape", "\"\\u00\\x\"");
        Text("json-comment", "/* c */ // c\n");
        Text("json-deep-arrays", new string('[', 20_000));
        Text("json-deep-objects", string.Concat(Enumerable.Repeat("{\"a\":", 5_000)));
        Text("json-many-items", "\"items\":[" + string.Join(',', Enumerable.Repeat("{\"id\":\"x\",\"tags\":[\"a\",\"b\"]}", 20_000)) + "],");
        Text("json-long-string", "\"title\":\"" + new string('t', 512 * 1024) + "\",");

        return fragments;
    }
}
