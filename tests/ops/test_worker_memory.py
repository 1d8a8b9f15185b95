"""`make bench-http`'s line on the gunicorn workers' memory (bench/worker_memory.py): the master's process group
without the master, read from /proc."""

import subprocess
import sys

from bench import worker_memory

# A "master" that forks one "worker" holding 40 MB of its own, then waits.
MASTER = """
import os, sys, time
if os.fork() == 0:
    own = bytearray(40 * 1024 * 1024)
    print("worker ready", flush=True)
    time.sleep(30)
    sys.exit()
time.sleep(30)
"""


def test_the_workers_of_the_masters_group_are_measured_and_the_master_is_not():
    master = subprocess.Popen([sys.executable, "-c", MASTER], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert master.stdout.readline() == "worker ready\n"
        line = worker_memory.describe(master.pid)
    finally:
        subprocess.run(["pkill", "-KILL", "-g", str(master.pid)])
        master.wait()

    assert line.startswith("gunicorn workers' memory after the run, median of 1: PSS ")
    private_mb = float(line.split("private ")[1].split(" MB")[0])
    assert 40 <= private_mb < 80
