"""Concurrency soak with fault injection (``python -m bench.soak``): the service as deployed (gunicorn, production settings, MariaDB,
memcached) under minutes of mixed traffic from many concurrent clients, then a check of the database
against every write the service acknowledged.

    make soak                                          # 3 minutes, no faults
    make soak SOAK_ARGS="--duration 600 --clients 32"
    make soak SOAK_ARGS="--faults all"                 # every fault below, in one run
    .venv/bin/python -m bench.soak --faults mariadb-restart --duration 60

Traffic (each client thread loops until the deadline): issue and re-issue course and program credentials
(attributes merged, date overrides), revoke (DELETE), status changes (PATCH), grades (form-encoded, as the
LMS posts them, with some stale retries), identical awards of one "hot" credential from every client at once,
credential lists (the learner's own and a superuser's), certificate pages, learner records (list, record
page, CSV, share, the public shared page and CSV, the records API), /health/.

Every client owns its learners, so the last write it got acknowledged for a credential or a grade is the
state the database must end in. Afterwards the soak checks: one row per learner and configuration (and per
learner and course run for grades), every acknowledged write present with its last acknowledged status,
attribute values and date override, stale grade retries ignored, one shared record per learner and
program, no response of another learner's data, and zero errors: a response other than the expected ones,
a 5xx outside a fault window, or a request that failed or timed out.

Faults (--faults a,b or all), on processes this script starts and owns:
  mariadb-restart  the app's MariaDB is a private instance (mariadb-install-db + mariadbd on --mariadb-port,
                   data in var/soak/), stopped for --outage seconds mid-run and started again: requests
                   during the outage must get 503 JSON quickly, the service must recover without a restart,
                   and no acknowledged write may be lost (clients retry unacknowledged writes, as the LMS does)
  mariadb-freeze   the private MariaDB is stopped with SIGSTOP for --outage seconds at 80% (a hung host: connections
                   stay open, nothing answers), then resumed; requests get 503 JSON once DATABASE_READ_TIMEOUT
                   (5 s) passes instead of hanging, and the service recovers when it is resumed
  memcached-kill   the private memcached (--memcached-port) is killed at 25% and restarted at 50%: no 5xx
  lms-blackhole    the LMS and discovery URLs point at a server that accepts connections and never answers:
                   certificate pages must still render (with the locally stored name) within the outbound
                   read timeout, and copy_catalog must give up within its retry budget and change nothing
Without a MariaDB fault the app uses the shared MariaDB (--database-url, database credentials_soak, dropped
and created again at the start); the shared server is never restarted.

Prints the numbers; --json writes them to a file (tests/reliability/ reads it). Exit status 0 when every
check passed.

Modules: config (constants), processes (gunicorn, memcached, MariaDB, black hole), seed, states (what was
acknowledged), workloads (the operations), client (the client threads), faults, checks, driver (main).
"""
