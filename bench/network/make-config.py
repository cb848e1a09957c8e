#!/usr/bin/env python3
"""Writes a FeedDigest configuration for the shared bench harness (../shared/bench).

Usage: make-config.py URLS_FILE STATE_DIR SMTP_HOST SMTP_PORT TO_ADDRESS [FROM_ADDRESS]

One feed per URL in URLS_FILE; the database and outbox live in STATE_DIR; mail goes to the
harness's SMTP sink. Polling is tuned for a bench on loopback: 16 fetches at once (per-host limit
raised too, since every feed is on 127.0.0.1).
"""
import json
import os
import sys

urls_file, state, smtp_host, smtp_port, to = sys.argv[1:6]
sender = sys.argv[6] if len(sys.argv) > 6 else "feeddigest@bench.example"
with open(urls_file) as f:
    urls = [line.strip() for line in f if line.strip()]

config = {
    "Logging": {"LogLevel": {"Default": "Warning"}},
    "FeedDigest": {
        "Storage": {"ConnectionString": "Data Source=" + os.path.join(state, "feeddigest.db")},
        "Polling": {
            "MaxConcurrentFetches": 16,
            "MaxConcurrentPerHost": 16,
            "MaxFeedsPerTick": 100000,
        },
        # rss2email treats every item of a new feed as new; so does the bench, to do the same work
        # (BENCH_NEW_FEED_WINDOW=default keeps the service's own: a new feed's archive held back).
        "Stories": {"NewFeedWindow": os.environ.get("BENCH_NEW_FEED_WINDOW", "3650.00:00:00")},
        "Mail": {
            "Transport": "Smtp",
            "From": sender,
            "Smtp": {"Host": smtp_host, "Port": int(smtp_port), "Security": "None"},
        },
        "Feeds": [{"Id": "f%05d" % i, "Url": url} for i, url in enumerate(urls)],
        "Topics": [{"Id": "all", "Name": "Everything", "Keywords": ["the", "a", "的"]}],
        "Subscribers": [{"Email": to, "Topics": ["all"], "Cron": "* * * * *"}],
    },
}
if config["FeedDigest"]["Stories"]["NewFeedWindow"] == "default":
    del config["FeedDigest"]["Stories"]
with open(os.path.join(state, "appsettings.json"), "w") as f:
    json.dump(config, f, indent=1)
