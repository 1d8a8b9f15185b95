"""Where a load's CPU went on this machine, per request: the gunicorn workers, MariaDB, memcached, the load
generator (wrk) and everything else, read from /proc (Linux) around one wrk run.

Requests/s tell how fast; this tells what the machine spent on each request and whether it had any left (a
load that leaves the CPUs idle waits on something else, such as the disk's flush at each COMMIT).
"""

import os
import resource
from collections import Counter

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
NAMED = {"mariadbd": "MariaDB", "mysqld": "MariaDB", "memcached": "memcached"}


def processes(server_group):
    """{pid: (group name, CPU seconds so far)} of every live process."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                text = stat.read()
        except OSError:  # gone meanwhile
            continue
        command = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()  # from the state on: pgrp is fields[2], utime/stime [11]/[12]
        group = "workers" if int(fields[2]) == server_group else NAMED.get(command, "other")
        found[pid] = (group, (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND)
    return found


def _machine():
    """(idle, total) clock ticks of the whole machine so far (integers: their ratio is exact)."""
    with open("/proc/stat") as stat:
        numbers = [int(value) for value in stat.readline().split()[1:9]]
    return numbers[3] + numbers[4], sum(numbers)  # idle + iowait, everything


class CpuSplit:
    """``with CpuSplit(server.pid) as split: <run wrk>``, then ``split.per_request(requests)``."""

    def __init__(self, server_group):
        self.server_group = server_group

    def __enter__(self):
        self.before = processes(self.server_group)
        self.machine_before = _machine()
        self.children_before = self._children()
        return self

    def __exit__(self, *exc):
        after = processes(self.server_group)
        idle, total = (end - start for end, start in zip(_machine(), self.machine_before, strict=True))
        self.spent = Counter()
        for pid, (group, seconds) in after.items():
            if pid in self.before:  # a process that started or ended meanwhile is not counted
                self.spent[group] += seconds - self.before[pid][1]
        self.spent["wrk"] = self._children() - self.children_before  # wrk has exited: its time is a child's
        self.idle_share = idle / total if total else 0.0
        return False

    @staticmethod
    def _children():
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def per_request(self, requests):
        """'workers 2.10 ms, MariaDB 3.02 ms, ... CPU per request; machine idle 4 %'."""
        order = ["workers", "MariaDB", "memcached", "wrk", "other"]
        parts = ", ".join(f"{group} {self.spent[group] / requests * 1000:.2f}" for group in order)
        return f"CPU ms/req: {parts}; machine idle {self.idle_share:.0%}"
