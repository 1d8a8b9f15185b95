"""The soak's constants: paths, identities, fault names, timeouts."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
VAR = REPO / "var" / "soak"
if str(REPO) not in sys.path:  # the soak imports the project (seed data) when run from elsewhere
    sys.path.insert(0, str(REPO))

JWT_ISSUER = {"ISSUER": "http://soak-lms/oauth2", "AUDIENCE": "soak-audience", "SECRET_KEY": "soak-secret-" + "s" * 32}
ADMIN = "soak_admin"  # a local superuser: DELETE (revoke) and lists of any learner
WORKER = "soak_lms_worker"  # the LMS's service worker: staff and Admins (issue, grades, status changes)
HOT_LEARNER = "soak_hot_learner"
FAULTS = ("mariadb-restart", "mariadb-freeze", "memcached-kill", "lms-blackhole")
WRITE_ATTEMPTS = 8  # an unacknowledged write is retried, as the LMS's tasks retry
ATTRIBUTE_NAMES = ("visible_date", "soak_a", "soak_b", "soak_c")
OUTAGE_GRACE_SECONDS = 3.0  # after the database is back: the time workers may take to reconnect
OUTBOUND_CONNECT_TIMEOUT = 1.0
OUTBOUND_READ_TIMEOUT = 2.0
