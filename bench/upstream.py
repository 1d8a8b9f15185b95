"""The second service `make bench-http` can load beside ours, for an ours/theirs comparison in one run.

Set ``UPSTREAM_BASE_URL`` (e.g. upstream Credentials at http://127.0.0.1:18150) and ``UPSTREAM_TOKEN_COMMAND``,
a shell command that prints a JWT the second service accepts; it is run once per role with the role and the
username as its two arguments: ``worker bench_worker`` (an administrator, the LMS's service user) and
``learner bench_learner``. The second service must hold the benchmark's data: the course runs, programs and
configurations of bench/seed.py have fixed keys and UUIDs, so seeding it the same way makes the same paths
work; values that differ there (a credential's or a shared record's UUID) go in a JSON file named by
``UPSTREAM_SEED_JSON`` (placeholder name → value, e.g. {"program_credential_uuid": "..."}).
``UPSTREAM_COLD_BASE_URL`` is where the "cold" scenarios go (default: UPSTREAM_BASE_URL).

Without UPSTREAM_BASE_URL nothing here runs and the benchmark prints no comparison at all.
"""

import json
import os
import statistics
import subprocess
from dataclasses import dataclass, field

ROLES = {"worker": "bench_worker", "learner": "bench_learner"}


@dataclass
class Upstream:
    base_url: str
    cold_base_url: str
    tokens: dict
    seed_overrides: dict = field(default_factory=dict)

    def base_url_for(self, scenario):
        return self.cold_base_url if scenario.server == "cold" else self.base_url

    def seed(self, ours):
        return {**ours, **self.seed_overrides}


def token_from_command(command, role, username):
    result = subprocess.run(
        ["sh", "-c", command, "upstream-token", role, username], capture_output=True, text=True, check=False
    )
    token = result.stdout.strip()
    if result.returncode or not token:
        raise SystemExit(f"UPSTREAM_TOKEN_COMMAND failed for {role}: {result.stderr.strip() or 'no token printed'}")
    return token


def from_environment(environ=os.environ):
    """The second service named by the environment, or None when UPSTREAM_BASE_URL is not set."""
    base_url = environ.get("UPSTREAM_BASE_URL", "").rstrip("/")
    if not base_url:
        return None
    command = environ.get("UPSTREAM_TOKEN_COMMAND", "")
    if not command:
        raise SystemExit("UPSTREAM_BASE_URL is set but UPSTREAM_TOKEN_COMMAND is not (see bench/upstream.py)")
    overrides = {}
    if environ.get("UPSTREAM_SEED_JSON"):
        with open(environ["UPSTREAM_SEED_JSON"], encoding="utf-8") as seed_file:
            overrides = json.load(seed_file)
    tokens = {role: token_from_command(command, role, username) for role, username in ROLES.items()}
    return Upstream(
        base_url=base_url,
        cold_base_url=environ.get("UPSTREAM_COLD_BASE_URL", "").rstrip("/") or base_url,
        tokens={**tokens, "": None},
        seed_overrides=overrides,
    )


def alternate(rounds, loaders):
    """``rounds`` rounds of every loader in turn (ours, theirs when there is a second service, ours at
    -c16), so that whatever else the machine is doing weighs on each alike. ``loaders`` maps a name to a
    function returning one run's numbers; returns the name → one numbers per round."""
    results = {name: [] for name in loaders}
    for _ in range(rounds):
        for name, load in loaders.items():
            results[name].append(load())
    return results


def median_numbers(rounds):
    """One figure per side from its rounds: the median requests/s and latencies, the total errors."""
    return {
        "rps": statistics.median(numbers["rps"] for numbers in rounds),
        "p50": statistics.median(numbers["p50"] for numbers in rounds),
        "p99": statistics.median(numbers["p99"] for numbers in rounds),
        "non_2xx": sum(numbers["non_2xx"] for numbers in rounds),
    }


def comparison_lines(rows):
    """The ours/theirs table: ``rows`` are (scenario name, our median numbers, their median numbers)."""
    lines = ["\nOurs against the second service (UPSTREAM_BASE_URL), median of the alternating rounds:"]
    for name, ours, theirs in rows:
        ratio = ours["rps"] / theirs["rps"] if theirs["rps"] else float("inf")
        errors = f"  their non-2xx: {theirs['non_2xx']}" if theirs["non_2xx"] else ""
        errors += f"  our non-2xx: {ours['non_2xx']}" if ours["non_2xx"] else ""
        lines.append(
            f"  {name:44} ours {ours['rps']:8.1f}  theirs {theirs['rps']:8.1f} req/s  ours/theirs {ratio:5.2f}x{errors}"
        )
    return lines
