"""After the traffic: classify every call against the fault windows, check the database against every acknowledged write, report."""

import statistics
import time
from collections import Counter, defaultdict

from bench.soak.config import HOT_LEARNER, OUTAGE_GRACE_SECONDS, OUTBOUND_CONNECT_TIMEOUT, OUTBOUND_READ_TIMEOUT

DATABASE_OUTAGES = ("mariadb-restart", "mariadb-freeze")


def outage_spans(windows):
    """(start, end) of each database outage, with the grace the workers may take to reconnect."""
    return [
        (w.started, (w.ended or time.monotonic()) + OUTAGE_GRACE_SECONDS) for w in windows if w.name in DATABASE_OUTAGES
    ]


def overlaps(call, spans):
    return any(call.started <= end and call.ended >= start for start, end in spans)


def classify(calls, windows):
    """Each call is ok, throttled, an expected outage answer (503 JSON during a database outage) or an error."""
    outages = outage_spans(windows)
    verdicts = []
    for call in calls:
        if call.status in call.expected:
            verdict = "ok"
        elif call.status == 429 and call.throttle_ok:
            verdict = "throttled"
        elif call.status == 503 and call.is_json_503 and overlaps(call, outages):
            verdict = "outage 503"
        else:
            verdict = "error"
        verdicts.append(verdict)
    return verdicts


def merge_states(clients):
    credentials, grades, shared, hot_uuids = {}, {}, {}, set()
    hot_acknowledged = sum(client.hot_acknowledged for client in clients)
    for client in clients:
        credentials.update(client.credentials)
        grades.update(client.grades)
        shared.update(client.shared)
        hot_uuids |= client.hot_uuids
    return credentials, grades, shared, hot_uuids, hot_acknowledged


def acknowledged_rows(states, rows, what, problems):
    """([(key, state, row)] of the acknowledged writes whose row is stored, how many were lost)."""
    found, lost = [], 0
    for key, state in states.items():
        if state.acknowledged == 0:
            continue
        if key in rows:
            found.append((key, state, rows[key]))
        else:
            lost += 1
            problems.append(f"acknowledged {what} {key} is missing")
    return found, lost


def check_database(world, credentials, grades, shared, hot_uuids, hot_acknowledged):
    """Compare the database with the acknowledged writes. Returns (numbers, problems)."""
    from django.db import connections
    from django.db.models import Count

    from credentials.apps.catalog.models import CourseRun, Program
    from credentials.apps.credentials import api as credentials_api
    from credentials.apps.credentials.models import UserCredential, UserCredentialAttribute
    from credentials.apps.records.models import ProgramCertRecord, UserGrade

    connections.close_all()  # the seeding connection may predate a database restart
    problems = []
    duplicates = (
        UserCredential.objects.values("username", "credential_content_type", "credential_id")
        .annotate(rows=Count("id"))
        .filter(rows__gt=1)
    )
    problems += [f"{row['rows']} rows for {row}" for row in duplicates]
    attribute_duplicates = (
        UserCredentialAttribute.objects.values("user_credential", "name").annotate(rows=Count("id")).filter(rows__gt=1)
    )
    problems += [f"{row['rows']} attribute rows for {row}" for row in attribute_duplicates]

    course_type = credentials_api.course_content_type()
    rows = {
        (
            credential.username,
            "course" if credential.credential_content_type_id == course_type.pk else "program",
            credential.credential_id,
        ): credential
        for credential in UserCredential.objects.prefetch_related("attributes").select_related("date_override")
    }
    found, lost = acknowledged_rows(credentials, rows, "credential", problems)
    checked = len(found)
    for key, state, row in found:
        if len(state.uuids_seen) != 1 or str(row.uuid) not in state.uuids_seen:
            problems.append(f"{key}: uuid {row.uuid}, acknowledged {sorted(state.uuids_seen)}")
        if state.uncertain:
            continue
        if row.status != state.status:
            problems.append(f"{key}: status {row.status}, last acknowledged {state.status}")
        stored = {attribute.name: attribute.value for attribute in row.attributes.all()}
        if stored != state.attributes:
            problems.append(f"{key}: attributes {stored}, acknowledged {state.attributes}")
        if state.kind == "course":
            override = row.get_date_override()
            stored_date = override.date.strftime("%Y-%m-%dT%H:%M:%SZ") if override else None
            if stored_date != state.date_override:
                problems.append(f"{key}: date override {stored_date}, last acknowledged {state.date_override}")

    grade_rows = {(g.username, g.course_run.key): g for g in UserGrade.objects.select_related("course_run")}
    grade_duplicates = UserGrade.objects.values("username", "course_run").annotate(rows=Count("id")).filter(rows__gt=1)
    problems += [f"{row['rows']} grade rows for {row}" for row in grade_duplicates]
    found, grades_lost = acknowledged_rows(grades, grade_rows, "grade", problems)
    grades_checked, lost, stale_ignored = len(found), lost + grades_lost, 0
    for key, state, row in found:
        stale_ignored += state.stale_ignored
        if state.uncertain or state.percent is None:
            continue
        if (str(row.percent_grade), row.letter_grade, row.lms_last_updated_at) != (
            state.percent,
            state.letter,
            state.updated_at,
        ):
            problems.append(
                f"grade {key}: {row.percent_grade} {row.letter_grade!r} {row.lms_last_updated_at}, "
                f"last acknowledged {state.percent} {state.letter!r} {state.updated_at}"
            )

    hot_rows = UserCredential.objects.filter(username=HOT_LEARNER)
    if hot_uuids and (hot_rows.count() != 1 or {str(hot_rows.get().uuid)} != hot_uuids):
        problems.append(f"hot credential: {hot_rows.count()} rows, acknowledged uuids {sorted(hot_uuids)}")
    elif hot_uuids and hot_rows.get().status != "awarded":
        problems.append("hot credential is not awarded")

    program = Program.objects.get(uuid=world.program_uuid)
    records = {r.user.username: r for r in ProgramCertRecord.objects.filter(program=program).select_related("user")}
    record_duplicates = (
        ProgramCertRecord.objects.values("user", "program").annotate(rows=Count("id")).filter(rows__gt=1)
    )
    problems += [f"{row['rows']} shared records for {row}" for row in record_duplicates]
    for username, record in shared.items():
        if username not in records or records[username].uuid.hex != record:
            problems.append(f"shared record of {username}: acknowledged {record}, stored {records.get(username)}")
    if CourseRun.objects.filter(key__in=world.program_run_keys).count() != len(world.program_run_keys):
        problems.append("catalog course runs went missing")

    numbers = {
        "credential_rows": UserCredential.objects.count(),
        "credentials_acknowledged": sum(1 for s in credentials.values() if s.acknowledged),
        "credential_writes_acknowledged": sum(s.acknowledged for s in credentials.values()),
        "credentials_checked": checked,
        "credentials_uncertain": sum(1 for s in credentials.values() if s.uncertain),
        "grade_rows": UserGrade.objects.count(),
        "grades_checked": grades_checked,
        "grade_writes_acknowledged": sum(s.acknowledged for s in grades.values()),
        "stale_grade_retries_ignored": stale_ignored,
        "hot_credential_awards_acknowledged": hot_acknowledged,
        "shared_records": len(shared),
        "acknowledged_writes_lost": lost,
    }
    return numbers, problems


def percentile(values, fraction):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(calls, verdicts, windows, elapsed):
    by_op = defaultdict(list)
    for call, verdict in zip(calls, verdicts, strict=True):
        by_op[call.op].append((call, verdict))
    rows = []
    for op in sorted(by_op):
        entries = by_op[op]
        latencies = [(c.ended - c.started) * 1000 for c, _ in entries]
        statuses = Counter(str(c.status) for c, _ in entries)
        verdict_counts = Counter(v for _, v in entries)
        rows.append(
            {
                "op": op,
                "requests": len(entries),
                "statuses": dict(sorted(statuses.items())),
                "errors": verdict_counts["error"],
                "throttled": verdict_counts["throttled"],
                "outage_503": verdict_counts["outage 503"],
                "p50_ms": round(statistics.median(latencies), 1),
                "p99_ms": round(percentile(latencies, 0.99), 1),
                "max_ms": round(max(latencies), 1),
            }
        )
    totals = Counter(verdicts)
    numbers = {
        "seconds": round(elapsed, 1),
        "requests": len(calls),
        "requests_per_second": round(len(calls) / elapsed, 1) if elapsed else 0,
        "errors": totals["error"],
        "throttled": totals["throttled"],
        "outage_503": totals["outage 503"],
        "max_latency_ms": round(max(((c.ended - c.started) * 1000 for c in calls), default=0), 1),
        "operations": rows,
    }
    outages = outage_spans(windows)
    for window in windows:
        end = window.ended or time.monotonic()
        if window.name in DATABASE_OUTAGES:
            inside = [c for c in calls if overlaps(c, [(window.started, end + OUTAGE_GRACE_SECONDS)])]
        else:
            # A slow call can span this window and a later database outage; its 503 belongs to the outage.
            inside = [c for c in calls if overlaps(c, [(window.started, end)]) and not overlaps(c, outages)]
        window.notes["requests_during"] = len(inside)
        window.notes["statuses_during"] = dict(sorted(Counter(str(c.status) for c in inside).items()))
        window.notes["max_latency_during_ms"] = round(max(((c.ended - c.started) * 1000 for c in inside), default=0), 1)
        after = sorted(
            (c for c in calls if window.ended and c.started > window.ended and c.status and c.status < 500),
            key=lambda c: c.started,
        )
        if after:
            window.notes["first_success_after_s"] = round(after[0].ended - window.ended, 2)
        numbers.setdefault("faults", []).append({"fault": window.name, **window.notes})
    return numbers


def print_report(numbers, checks, problems, errors):
    print(
        f"\n{numbers['requests']} requests in {numbers['seconds']} s ({numbers['requests_per_second']} req/s), "
        f"max latency {numbers['max_latency_ms']} ms"
    )
    print(
        f"{'operation':20} {'requests':>8} {'errors':>6} {'429':>5} {'503':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses"
    )
    for row in numbers["operations"]:
        print(
            f"{row['op']:20} {row['requests']:8d} {row['errors']:6d} {row['throttled']:5d} {row['outage_503']:5d} "
            f"{row['p50_ms']:8.1f} {row['p99_ms']:8.1f} {row['max_ms']:8.1f}  {row['statuses']}"
        )
    for fault in numbers.get("faults", []):
        print(f"fault {fault['fault']}: " + ", ".join(f"{k}={v}" for k, v in fault.items() if k != "fault"))
    print("\ndatabase check: " + ", ".join(f"{k}={v}" for k, v in checks.items()))
    print(f"errors: {numbers['errors']}, problems: {len(problems)}")
    for line in (errors + problems)[:40]:
        print("  " + line)


def fault_problems(args, numbers, windows, calls):
    """What each fault must have shown, beyond zero errors."""
    problems = []
    if "mariadb-restart" in args.faults:
        window = next((w for w in windows if w.name == "mariadb-restart"), None)
        if window is None or window.ended is None:
            problems.append("MariaDB was not restarted")
        elif numbers["outage_503"] == 0:
            problems.append("no request got a 503 during the database outage")
        elif "first_success_after_s" not in window.notes:
            problems.append("no request succeeded after the database came back")
        if window and window.notes.get("max_latency_during_ms", 0) > args.timeout * 1000:
            problems.append("a request hung past the client timeout during the outage")
    if "lms-blackhole" in args.faults:
        outages = outage_spans(windows)
        pages = [  # a page that waited for a stopped or frozen database says nothing about the LMS timeout
            c for c in calls if c.op == "certificate page" and c.status == 200 and not overlaps(c, outages)
        ]
        bound_ms = (OUTBOUND_CONNECT_TIMEOUT + OUTBOUND_READ_TIMEOUT + 3) * 1000
        slowest = max(((c.ended - c.started) * 1000 for c in pages), default=0)
        numbers["certificate_page_max_ms_with_lms_blackhole"] = round(slowest, 1)
        if not pages:
            problems.append("no certificate page rendered while the LMS never answered")
        elif slowest > bound_ms:
            problems.append(f"a certificate page took {slowest:.0f} ms with the LMS hung (bound {bound_ms:.0f} ms)")
        window = next((w for w in windows if w.name == "copy_catalog-blackhole"), None)
        retries_budget = 2 * (OUTBOUND_CONNECT_TIMEOUT + OUTBOUND_READ_TIMEOUT) + 0.2 + 30  # 1 retry, + start-up
        if window is None or window.notes.get("exit_status") != 1:
            problems.append(f"copy_catalog against a hung discovery: {window and window.notes}")
        elif window.notes["seconds"] > retries_budget:
            problems.append(f"copy_catalog took {window.notes['seconds']} s to give up (bound {retries_budget} s)")
    return problems
