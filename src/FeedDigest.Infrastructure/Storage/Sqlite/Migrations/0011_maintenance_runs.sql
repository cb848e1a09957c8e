-- When each periodic upkeep task last ran, so that "once a day" holds across processes: a one-shot
-- command (`poll --once`) used to run the daily prune every time it started, since only the
-- service's memory knew when it had last run.
CREATE TABLE maintenance_runs (
    task        TEXT PRIMARY KEY,
    last_run_at TEXT NOT NULL
) WITHOUT ROWID;
