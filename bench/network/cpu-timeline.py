#!/usr/bin/env python3
"""Runs a command and prints, every quarter of a second, how many cores its process used, how many
of them its lowest-priority threads (nice 19: the clustering catch-up while it keeps up) used, and
how many of the machine's cores were idle. It answers "does clustering alongside a poll take
processor time the poll would have used, or time nobody used".

Usage: cpu-timeline.py OUT COMMAND [ARGS...]

The command's output is printed when it ends; the timeline goes to OUT, one line a quarter second:
"t proc P low L idle I" (P, L and I in cores). Per-thread times come from /proc/PID/task/*/stat,
sampled every 50 ms; a thread that ends between two samples loses its last 50 ms.
"""
import collections
import os
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[2:]
ticks_per_second = os.sysconf("SC_CLK_TCK")
cores = os.cpu_count()
process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
started = time.time()
samples = []  # (seconds since start, {tid: (cpu ticks, nice)}, /proc/stat cpu line)
while process.poll() is None:
    threads = {}
    try:
        for tid in os.listdir(f"/proc/{process.pid}/task"):
            try:
                stat = open(f"/proc/{process.pid}/task/{tid}/stat").read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            # utime and stime are fields 14 and 15 of stat, nice 19 (1-based; fields[] starts at field 3).
            threads[tid] = (int(fields[11]) + int(fields[12]), int(fields[16]))
    except OSError:
        pass
    machine = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    samples.append((time.time() - started, threads, machine))
    time.sleep(0.05)
print(process.stdout.read().decode(errors="replace"), end="")

buckets = collections.OrderedDict()
for (_, before, machine_before), (at, after, machine_after) in zip(samples, samples[1:]):
    used = low = 0
    for tid, (ticks, nice) in after.items():
        if tid in before:
            used += ticks - before[tid][0]
            low += ticks - before[tid][0] if nice == 19 else 0
    total = sum(machine_after) - sum(machine_before)
    idle = machine_after[3] - machine_before[3]
    bucket = buckets.setdefault(round(at * 4) / 4, [0, 0, 0, 0])
    bucket[0] += used
    bucket[1] += low
    bucket[2] += idle
    bucket[3] += total
with open(out, "w") as timeline:
    for at, (used, low, idle, total) in buckets.items():
        timeline.write(f"{at:6.2f} proc {used / ticks_per_second * 4:4.2f} low {low / ticks_per_second * 4:4.2f} idle {idle / max(total, 1) * cores:4.2f}\n")
