"""`make bench-http`'s split of a load's CPU by process (bench/cpu_split.py): the server's process group is
counted as the workers, a child that has exited (wrk) as the load generator."""

import subprocess
import sys

from bench.cpu_split import CpuSplit

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"


def test_cpu_of_the_server_group_and_of_an_exited_child_is_counted_per_request():
    server = subprocess.Popen(
        [sys.executable, "-c", "input()\n" + BURN.format(seconds=0.4) + "print('burnt', flush=True)\ntime.sleep(30)"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        with CpuSplit(server.pid) as split:
            server.stdin.write("go\n")
            server.stdin.flush()
            assert server.stdout.readline() == "burnt\n"  # the server burnt 0.4 s of CPU and now idles
            subprocess.run([sys.executable, "-c", BURN.format(seconds=0.2)], check=True)  # the "wrk" child
    finally:
        server.kill()
        server.wait()

    assert 0.37 <= split.spent["workers"] <= 0.7  # /proc counts in clock ticks
    assert split.spent["wrk"] >= 0.2
    line = split.per_request(100)
    assert line.startswith("CPU ms/req: workers ")
    assert f"workers {split.spent['workers'] * 10:.2f}, MariaDB" in line
    assert 0 <= split.idle_share <= 1
