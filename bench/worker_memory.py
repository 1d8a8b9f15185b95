"""The gunicorn workers' memory after a load, read from /proc (Linux): what each worker costs the machine.

Workers are forked from a master that imported the application (preload_app), so part of each worker's memory
is pages still shared with the master; what a worker wrote to since the fork is its own ("private"). PSS
counts a shared page as a share of it per process using it, so the workers' PSS add up to what they cost.
"""

import re
import statistics

from bench.cpu_split import processes


def _workers(server_group):
    """The pids of the master's process group, the master itself left out."""
    members = (int(pid) for pid, (group, _) in processes(server_group).items() if group == "workers")
    return [pid for pid in members if pid != server_group]


def _rollup(pid):
    """{field: kB} of /proc/<pid>/smaps_rollup."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            match = re.match(r"(\w+):\s+(\d+) kB", line)
            if match:
                fields[match.group(1)] = int(match.group(2))
    return fields


def describe(server_group):
    """One line: the median worker's PSS, private and shared memory, in MB."""
    rollups = [_rollup(pid) for pid in _workers(server_group)]
    if not rollups:
        return "gunicorn workers' memory: no worker found"

    def median_mb(*names):
        return statistics.median(sum(rollup[name] for name in names) for rollup in rollups) / 1024

    return (
        f"gunicorn workers' memory after the run, median of {len(rollups)}: "
        f"PSS {median_mb('Pss'):.1f} MB, private {median_mb('Private_Clean', 'Private_Dirty'):.1f} MB, "
        f"shared {median_mb('Shared_Clean', 'Shared_Dirty'):.1f} MB"
    )
