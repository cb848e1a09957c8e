using FeedDigest.Service.Cli;

return await FeedDigestCommandLine.InvokeAsync(args).ConfigureAwait(false);
