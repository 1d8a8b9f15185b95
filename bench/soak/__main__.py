"""``python -m bench.soak``: see the package's docstring, or ``--help``."""

import contextlib
import sys

from bench.soak.driver import main

with contextlib.suppress(KeyboardInterrupt):
    sys.exit(main())
