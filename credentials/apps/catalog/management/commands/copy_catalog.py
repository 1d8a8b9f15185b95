"""``manage.py copy_catalog``: mirror course-discovery into every site's catalog (spec/integration.md §3.1).

Exit status: 0 when every eligible site synced and nothing is left to delete; 1 when a site failed (it
was left unchanged, the other sites were synced) or rows discovery no longer returns are still here
(without --delete, or because other data protects them); 2 for a usage error such as an unknown --site.
"""

import argparse
import contextlib
import logging

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from credentials.apps.catalog import api

# Loggers whose INFO and WARNING lines (skipped sites, retried calls) --verbosity 0 silences; errors still show.
QUIET_LOGGERS = ("credentials.apps.catalog", "credentials.apps.core.clients")


@contextlib.contextmanager
def _quiet_logs(quiet):
    loggers = [logging.getLogger(name) for name in QUIET_LOGGERS] if quiet else []
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _positive_int(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


class Command(BaseCommand):
    help = "Sync Course Discovery Data: copy organizations, courses, programs and pathways into each site."

    def add_arguments(self, parser):
        parser.add_argument(
            "--page-size",
            dest="page_size",
            type=_positive_int,
            default=None,
            help="Items per discovery page (default: discovery's own, 20).",
        )
        parser.add_argument(
            "--delete",
            dest="delete_data",
            action="store_true",
            help="Delete local rows that discovery no longer returns.",
        )
        parser.add_argument(
            "--site",
            dest="domains",
            action="append",
            metavar="DOMAIN",
            help="Sync only the site with this domain (repeatable). Default: every site.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Fetch and compare everything, report, then roll back: nothing is saved.",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        progress = _ProgressPrinter(self.stdout) if verbosity >= 1 else None
        try:
            with _quiet_logs(verbosity == 0):
                results = api.sync_catalog(
                    domains=options["domains"],
                    page_size=options["page_size"],
                    delete=options["delete_data"],
                    dry_run=options["dry_run"],
                    progress=progress,
                )
        except api.UnknownSite as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except ImproperlyConfigured as exc:  # e.g. BACKEND_SERVICE_AUTH: no site can be synced
            raise CommandError(f"copy_catalog is not configured correctly: {exc}", returncode=1) from exc

        for result in results:
            if result.status == api.FAILED:
                self.stderr.write(f"ERROR: {result.reason}")
            elif result.status == api.SYNCED and verbosity >= 1:
                self._report(result, several_sites=len(results) > 1)
        if verbosity >= 1:
            self._summary(results)

        failed = [result.domain for result in results if result.status == api.FAILED]
        pending = [result.domain for result in results if result.pending_removals]
        problems = []
        if failed:
            problems.append(f"the catalog of {', '.join(failed)} could not be synced (see ERROR above)")
        if pending:
            problems.append(
                f"data discovery no longer returns remains on {', '.join(pending)} (review its UUIDs, listed by "
                "--dry-run, then re-run with --delete or remove what protects it)"
            )
        if problems:
            raise CommandError("; ".join(problems) + ".", returncode=1)

    def _report(self, result, *, several_sites):
        """Upstream's report of added and removed uuids, then what this run deleted or could not."""
        write = self.stdout.write
        if several_sites:
            write(f"Site {result.domain}:")
        write("The copy_catalog command caused the following changes:")
        for type_name in api.MODEL_TYPES:
            changes = result.changes[type_name]
            if changes.added:
                write(f"{type_name} UUIDs added: {[str(value) for value in changes.added]}")
            if changes.removed:
                write(f"{type_name} UUIDs to be removed: {[str(value) for value in changes.removed]}")
        for warning in result.warnings:
            write(self.style.WARNING(f"WARNING: site {result.domain}: {warning}"))
        if result.deleted and any(changes.removed for changes in result.changes.values()):
            write("Deleting obsolete data")
            for type_name in api.MODEL_TYPES:
                for row_uuid, why in result.changes[type_name].blocked:
                    write(self.style.ERROR(f'Not deleted: {type_name} "{row_uuid}": {why}'))
            blocked = any(result.changes[type_name].blocked for type_name in api.MODEL_TYPES)
            write("Obsolete data deleted, except the rows listed above" if blocked else "Obsolete data deleted")
        if result.pending_removals and not result.deleted:
            write(
                self.style.ERROR(
                    "FAILURE: There is data that needs to be deleted. Please review UUIDs above and re-run with "
                    "--delete parameter"
                )
            )
        if result.dry_run:
            write(f"Dry run: nothing was saved for site {result.domain}.")

    def _summary(self, results):
        header = ("site", "resource", "pages", "fetched", "created", "updated", "unchanged", "not returned", "deleted")
        rows = []
        for result in results:
            if result.status != api.SYNCED:
                note = "FAILED (see ERROR above)" if result.status == api.FAILED else f"skipped: {result.reason}"
                rows.append((result.domain, note))
                continue
            pages = {**result.pages, "course_runs": "-"}
            for index, type_name in enumerate(("organizations", "courses", "course_runs", "programs", "pathways")):
                changes = result.changes[type_name]
                rows.append(
                    (
                        result.domain if index == 0 else "",
                        type_name,
                        pages[type_name],
                        changes.fetched,
                        changes.created,
                        changes.updated,
                        changes.unchanged,
                        len(changes.removed),
                        len(changes.deleted),
                    )
                )
        widths = [len(title) for title in header]
        for row in rows:
            if len(row) == len(header):
                widths = [max(width, len(str(cell))) for width, cell in zip(widths, row, strict=True)]
            widths[0] = max(widths[0], len(row[0]))

        def line(cells):
            texts = [
                str(cell).ljust(width) if i < 2 else str(cell).rjust(width)
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ]
            return "  ".join(texts).rstrip()

        self.stdout.write("Summary")
        self.stdout.write(line(header))
        for row in rows:
            self.stdout.write(line(row) if len(row) == len(header) else f"{row[0].ljust(widths[0])}  {row[1]}")
        seconds = sum(result.seconds for result in results)
        self.stdout.write(f"Done in {seconds:.1f} s.")


class _ProgressPrinter:
    """On a terminal, one line per resource rewritten in place; otherwise one line per page (for logs)."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.tty = stdout.isatty()

    def __call__(self, event):
        rate = event.items / event.seconds if event.seconds > 0 else 0.0
        total = f"/{event.total}" if event.total is not None else ""
        pages = f"{event.pages} page{'s' if event.pages != 1 else ''}"
        text = f"{event.domain} {event.resource}: {event.items}{total} items, {pages}, {rate:.0f} items/s"
        if self.tty:
            self.stdout.write(f"\r{text}\033[K", ending="\n" if event.done else "")
            self.stdout.flush()
        elif not event.done:
            self.stdout.write(f"{event.domain} {event.resource} page {event.pages}: {event.items}{total} items")
