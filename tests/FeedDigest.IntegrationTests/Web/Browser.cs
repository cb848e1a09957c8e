using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace FeedDigest.IntegrationTests.Web;

/// <summary>
/// Debian's headless chromium driven through its chromedriver (apt packages chromium and
/// chromium-driver, which .ci/run installs); every page can be saved as a screenshot under
/// TestResults/screenshots at the repository root, which CI keeps.
/// </summary>
public sealed class Browser : IDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string ChromeDriverPath = "/usr/bin/chromedriver";

    private Browser(ChromeDriver driver) => Driver = driver;

    public ChromeDriver Driver { get; }

    public static Browser Start()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(ChromeDriverPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} and {ChromeDriverPath} are needed: apt-get install -y chromium chromium-driver (.ci/run does it).");
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1024,1400", "--no-first-run", "--disable-extensions");
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
        return new Browser(driver);
    }

    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public void Open(Uri address) => Driver.Navigate().GoToUrl(address);

    public IWebElement Find(string cssSelector) => Driver.FindElement(By.CssSelector(cssSelector));

    public string Text(string cssSelector) => Find(cssSelector).Text;

    /// <summary>
    /// The element's text once it holds <paramref name="expected"/>, or whatever it holds after 15
    /// seconds: a click that submits a form returns before the next page is always there.
    /// </summary>
    public string TextAfterLoad(string cssSelector, string expected)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var text = CurrentText(cssSelector);
            if (text is not null && text.Contains(expected, StringComparison.Ordinal) || waited.Elapsed > TimeSpan.FromSeconds(15))
            {
                return text ?? string.Empty;
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>
    /// The first matching element's text, or null when there is none yet or the page was replaced
    /// while it was read. One script finds and reads the element, so no element reference can go
    /// stale in between; a script that runs while the next page replaces the document fails with
    /// whichever error chromium gives at that moment ("stale element", "node does not belong to
    /// the document", "execution context destroyed"), so any driver error counts as "not yet".
    /// </summary>
    private string? CurrentText(string cssSelector)
    {
        try
        {
            return Driver.ExecuteScript("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", cssSelector) as string;
        }
        catch (WebDriverException)
        {
            return null;
        }
    }

    /// <summary>Sets a field's value as a script would; a time input's typing depends on the browser's locale.</summary>
    public void SetValue(string cssSelector, string value) =>
        Driver.ExecuteScript("arguments[0].value = arguments[1];", Find(cssSelector), value);

    public void Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        Driver.GetScreenshot().SaveAsFile(Path.Combine(ScreenshotDirectory, name + ".png"));
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }

    private static string FindScreenshotDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FeedDigest.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? Path.GetTempPath(), "TestResults", "screenshots");
    }
}
