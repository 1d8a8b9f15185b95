"""Prints a JWT for the benchmark's issuer: `python bench/mint_token.py ROLE USERNAME` (ROLE worker: an
administrator). A token command for UPSTREAM_TOKEN_COMMAND when the second service is another instance of
this one, started with the benchmark's JWT_ISSUERS (bench/upstream.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_bench import mint_token  # noqa: E402

if __name__ == "__main__":
    role, username = sys.argv[1], sys.argv[2]
    print(mint_token(username, role == "worker"))
