using FeedDigest.Core.Digests;

namespace FeedDigest.Service.Hosting;

/// <summary>
/// The admin's digest templates, read once at start from <see cref="DigestOptions.TemplatesFolder"/>,
/// with what is wrong with them (a missing folder, a template that does not parse): the start-up
/// check and <c>config validate</c> list those problems, and the renderer is only built from good templates.
/// </summary>
internal sealed record DigestTemplateFolder(DigestTemplates Templates, IReadOnlyList<string> Problems)
{
    public static DigestTemplateFolder Read(string? folder, string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(folder))
        {
            return new DigestTemplateFolder(DigestTemplates.BuiltIn, []);
        }

        var path = Path.GetFullPath(folder, contentRoot);
        if (!Directory.Exists(path))
        {
            return new DigestTemplateFolder(
                DigestTemplates.BuiltIn,
                [$"{DigestOptions.SectionName}:TemplatesFolder: the folder {path} does not exist; create it with {DigestRenderer.HtmlTemplateName} and/or {DigestRenderer.TextTemplateName}, or remove the setting."]);
        }

        var templates = new DigestTemplates(ReadIfPresent(path, DigestRenderer.HtmlTemplateName), ReadIfPresent(path, DigestRenderer.TextTemplateName), path);
        var problems = DigestRenderer.Problems(templates).Select(problem => $"{DigestOptions.SectionName}:TemplatesFolder: {problem}").ToList();
        return new DigestTemplateFolder(problems.Count == 0 ? templates : DigestTemplates.BuiltIn, problems);
    }

    private static string? ReadIfPresent(string folder, string name)
    {
        var file = Path.Combine(folder, name);
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }
}
