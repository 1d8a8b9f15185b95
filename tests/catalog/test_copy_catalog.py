import uuid
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credentials.apps.catalog import api
from credentials.apps.catalog.models import Course, CourseRun, Organization, Pathway, Program
from tests.catalog.discovery import FakeDiscovery
from tests.catalog.helpers import catalog_rows, copy_catalog
from tests.factories import SiteConfigurationFactory, SiteFactory, UserGradeFactory

pytestmark = pytest.mark.django_db


def _uuids(rows):
    return [str(row.uuid) for row in rows]


# --- First sync ------------------------------------------------------------------------------------------


def test_first_sync_copies_every_resource_with_the_spec_field_mapping(site, sample):
    outcome = copy_catalog()

    assert outcome.status == 0, outcome.err
    harvard = Organization.objects.get(site=site, uuid=sample.harvard["uuid"])
    assert (harvard.key, harvard.name, harvard.certificate_logo_image_url) == (
        "HarvardX",
        "HarvardX University",
        "https://example.com/HarvardX.png",
    )
    physics = Course.objects.get(site=site, uuid=sample.physics["uuid"])
    assert (physics.key, physics.title) == ("HarvardX+Phys", "Course HarvardX+Phys")
    assert _uuids(api.get_ordered(physics, "owners")) == [sample.harvard["uuid"], sample.mit["uuid"]]
    first_run = CourseRun.objects.get(course=physics, uuid=sample.physics["course_runs"][0]["uuid"])
    assert first_run.key == "course-v1:HarvardX+Phys+R0"
    assert first_run.title_override is None  # same title as the course
    assert first_run.start_date == datetime(2024, 1, 1, tzinfo=UTC)  # `start` when `start_date` is absent
    assert first_run.end_date == datetime(2024, 10, 1, tzinfo=UTC)
    assert physics.course_runs.count() == 2

    science = Program.objects.get(site=site, uuid=sample.science["uuid"])
    assert (science.title, science.type, science.type_slug, science.status, science.total_hours_of_effort) == (
        "Science",
        "Professional Certificate",
        "professional-certificate",
        "active",
        40,
    )
    assert _uuids(api.get_ordered(science, "authoring_organizations")) == [sample.mit["uuid"], sample.harvard["uuid"]]
    assert _uuids(api.get_ordered(science, "course_runs")) == [
        sample.chemistry["course_runs"][0]["uuid"],
        sample.physics["course_runs"][1]["uuid"],
    ]
    assert Program.objects.get(uuid=sample.retired["uuid"]).status == "retired"

    published = Pathway.objects.get(site=site, uuid=sample.published["uuid"])
    assert (published.name, published.email, published.org_name, published.status, published.pathway_type) == (
        "Credit at State",
        "partner@example.com",
        "Partner University",
        "published",
        "credit",
    )
    assert _uuids(api.get_ordered(published, "programs")) == [sample.retired["uuid"], sample.science["uuid"]]


def test_first_sync_links_rows_on_a_database_that_does_not_return_inserted_ids(site, sample, monkeypatch):
    # MySQL 8 answers a bulk insert without the new ids; the sync then reads them back by uuid.
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)

    outcome = copy_catalog()

    assert outcome.status == 0, outcome.err
    science = Program.objects.get(uuid=sample.science["uuid"])
    assert _uuids(api.get_ordered(science, "course_runs")) == [
        sample.chemistry["course_runs"][0]["uuid"],
        sample.physics["course_runs"][1]["uuid"],
    ]
    physics = Course.objects.get(uuid=sample.physics["uuid"])
    assert _uuids(api.get_ordered(physics, "owners")) == [sample.harvard["uuid"], sample.mit["uuid"]]
    assert physics.course_runs.count() == 2


def test_an_unpublished_pathway_links_no_programs(site, sample):
    copy_catalog()

    unpublished = Pathway.objects.get(uuid=sample.unpublished["uuid"])
    assert unpublished.status == "unpublished"
    assert api.get_ordered(unpublished, "programs") == []


def test_a_run_titled_differently_from_its_course_keeps_its_title_and_dates(site, discovery):
    course = discovery.course("X+Y", runs=0, title="Course title")
    course["course_runs"] = [
        {
            "uuid": str(uuid.uuid4()),
            "key": "course-v1:X+Y+1",
            "title": "Run title",
            "start_date": "2025-02-03T04:05:06Z",
            "start": "2000-01-01T00:00:00Z",
            "end_date": None,
            "end": None,
        }
    ]

    copy_catalog()

    run = CourseRun.objects.get()
    assert run.title_override == "Run title"
    assert run.start_date == datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert run.end_date is None


def test_first_sync_reports_every_uuid_as_added_and_prints_a_summary(site, sample):
    outcome = copy_catalog()

    assert "The copy_catalog command caused the following changes:" in outcome.out
    assert f"organizations UUIDs added: {sorted([sample.harvard['uuid'], sample.mit['uuid']])}" in outcome.out
    assert "courses UUIDs added: " in outcome.out
    assert "course_runs UUIDs added: " in outcome.out
    assert "programs UUIDs added: " in outcome.out
    assert "pathways UUIDs added: " in outcome.out
    assert "to be removed" not in outcome.out
    summary = outcome.out.split("Summary\n", 1)[1].splitlines()
    assert summary[0].split() == [
        "site",
        "resource",
        "pages",
        "fetched",
        "created",
        "updated",
        "unchanged",
        "not",
        "returned",
        "deleted",
    ]
    assert summary[1].split() == ["testserver", "organizations", "1", "2", "2", "0", "0", "0", "0"]
    assert summary[3].split() == ["course_runs", "-", "4", "4", "0", "0", "0", "0"]


# --- Re-sync ---------------------------------------------------------------------------------------------


def test_resync_without_changes_changes_no_row_and_reports_nothing_added(site, sample):
    copy_catalog()
    before = catalog_rows()

    outcome = copy_catalog()

    assert outcome.status == 0
    assert catalog_rows() == before  # same ids (links not rebuilt), same `modified`
    assert "UUIDs added" not in outcome.out
    assert "UUIDs to be removed" not in outcome.out
    assert "testserver  organizations      1        2        0        0          2" in outcome.out


def test_resync_without_changes_uses_a_pinned_number_of_statements(site, sample, django_assert_max_num_queries):
    copy_catalog()

    # Sites (1), the site's transaction (2), uuid snapshots (5); then per batch of pages: organizations 1,
    # courses 3 (rows, owners, runs), programs 4 (rows, runs looked up, authors, runs linked), pathways 3 (rows,
    # programs looked up, links).
    with django_assert_max_num_queries(19):
        outcome = copy_catalog("--verbosity", "0")

    assert outcome.status == 0


def _statements_of_a_resync(discovery, courses):
    for number in range(courses):
        organization = discovery.organization(f"Org{number}")
        course = discovery.course(f"Org{number}+C", owners=[organization], runs=2)
        program = discovery.program(
            f"Program {number}", authors=[organization], runs=[(course, course["course_runs"][1])]
        )
        discovery.pathway(f"Pathway {number}", programs=[program])
    copy_catalog()
    with CaptureQueriesContext(connection) as queries:
        copy_catalog()
    return len(queries)


def test_resync_statements_do_not_grow_with_the_items_on_a_page(site, discovery):
    few = _statements_of_a_resync(discovery, 2)
    many = _statements_of_a_resync(discovery, 18)  # now 20 of each: still one page

    assert many == few


def test_renamed_organization_is_updated_and_nothing_else_is_written(site, sample, discovery):
    copy_catalog()
    before = catalog_rows()
    sample.mit["name"] = "Massachusetts Institute of Technology"

    outcome = copy_catalog()

    assert outcome.status == 0
    mit = Organization.objects.get(uuid=sample.mit["uuid"])
    assert mit.name == "Massachusetts Institute of Technology"
    after = catalog_rows()
    changed = [row for row in after["Organization"] if row not in before["Organization"]]
    assert [row["uuid"] for row in changed] == [mit.uuid]
    old_mit = next(row for row in before["Organization"] if row["id"] == mit.pk)
    assert changed[0]["modified"] > old_mit["modified"]
    assert {name: rows for name, rows in after.items() if name != "Organization"} == {
        name: rows for name, rows in before.items() if name != "Organization"
    }
    assert "UUIDs added" not in outcome.out


def test_reordered_owners_are_stored_in_the_new_order(site, sample):
    copy_catalog()
    sample.physics["owners"].reverse()

    copy_catalog()

    physics = Course.objects.get(uuid=sample.physics["uuid"])
    assert _uuids(api.get_ordered(physics, "owners")) == [sample.mit["uuid"], sample.harvard["uuid"]]


# --- Removed data ----------------------------------------------------------------------------------------


def test_removed_course_is_reported_and_kept_without_delete(site, sample, discovery):
    copy_catalog()
    discovery.remove("courses", sample.biology)
    discovery.remove("programs", sample.retired)
    sample.published["programs"] = [{"uuid": sample.science["uuid"]}]

    outcome = copy_catalog()

    assert outcome.status == 1
    assert f"courses UUIDs to be removed: ['{sample.biology['uuid']}']" in outcome.out
    assert f"course_runs UUIDs to be removed: ['{sample.biology['course_runs'][0]['uuid']}']" in outcome.out
    assert f"programs UUIDs to be removed: ['{sample.retired['uuid']}']" in outcome.out
    assert (
        "FAILURE: There is data that needs to be deleted. Please review UUIDs above and re-run with --delete parameter"
        in outcome.out
    )
    assert Course.objects.filter(uuid=sample.biology["uuid"]).exists()
    assert Program.objects.filter(uuid=sample.retired["uuid"]).exists()


def test_removed_course_is_deleted_with_delete(site, sample, discovery):
    copy_catalog()
    discovery.remove("courses", sample.biology)
    discovery.remove("programs", sample.retired)
    sample.published["programs"] = [{"uuid": sample.science["uuid"]}]

    outcome = copy_catalog("--delete")

    assert outcome.status == 0, outcome.err
    assert "Deleting obsolete data" in outcome.out
    assert "Obsolete data deleted" in outcome.out
    assert not Course.objects.filter(uuid=sample.biology["uuid"]).exists()
    assert not CourseRun.objects.filter(uuid=sample.biology["course_runs"][0]["uuid"]).exists()
    assert not Program.objects.filter(uuid=sample.retired["uuid"]).exists()
    assert Course.objects.count() == 2
    assert "FAILURE" not in outcome.out


def test_a_deletion_blocked_by_a_grade_is_reported_and_the_rest_is_deleted(site, sample, discovery):
    copy_catalog()
    graded_run = CourseRun.objects.get(uuid=sample.biology["course_runs"][0]["uuid"])
    UserGradeFactory(course_run=graded_run)
    discovery.remove("courses", sample.biology)
    discovery.remove("courses", sample.chemistry)
    sample.science["courses"] = [c for c in sample.science["courses"] if c["uuid"] != sample.chemistry["uuid"]]

    outcome = copy_catalog("--delete")

    assert outcome.status == 1
    assert f'Not deleted: courses "{sample.biology["uuid"]}": still referenced by user grades (1)' in outcome.out
    assert f'Not deleted: course_runs "{graded_run.uuid}": still referenced by user grades (1)' in outcome.out
    assert CourseRun.objects.filter(pk=graded_run.pk).exists()
    assert not Course.objects.filter(uuid=sample.chemistry["uuid"]).exists()
    assert "Obsolete data deleted, except the rows listed above" in outcome.out
    assert "remains on testserver" in outcome.err


# --- Failures --------------------------------------------------------------------------------------------


def test_a_transient_503_is_retried(site, sample, discovery):
    discovery.fail["courses"] = [503, 503]

    outcome = copy_catalog()

    assert outcome.status == 0, outcome.err
    assert discovery.pages_requested("courses") == [1, 1, 1]
    assert Course.objects.count() == 3


def _second_site(rsps, domain, **configuration):
    other = SiteConfigurationFactory(
        site=SiteFactory(domain=domain), catalog_api_url=f"https://{domain}/api/v1/", **configuration
    )
    return other.site, FakeDiscovery(rsps, other.catalog_api_url)


def test_a_permanent_500_rolls_the_site_back_while_other_sites_sync_and_exits_1(site, sample, discovery, rsps):
    copy_catalog()
    before = catalog_rows()
    sample.mit["name"] = "Renamed, but never saved"
    new_course = discovery.course("MITx+New", owners=[sample.mit])
    discovery.fail["programs"] = [500] * 4  # the first try and three retries
    other_site, other_discovery = _second_site(rsps, "other.example.com")  # synced after the failing site
    other_org = other_discovery.organization("OtherX")
    other_discovery.course("OtherX+C1", owners=[other_org])

    outcome = copy_catalog()

    assert outcome.status == 1
    assert Course.objects.filter(site=other_site, key="OtherX+C1").exists()
    assert Organization.objects.get(uuid=sample.mit["uuid"]).name == "MITx University"  # this site: not at all
    assert not Course.objects.filter(uuid=new_course["uuid"]).exists()
    assert list(Organization.objects.filter(site=site).order_by("pk").values()) == before["Organization"]
    assert list(Course.objects.filter(site=site).order_by("pk").values()) == before["Course"]
    error_lines = [line for line in outcome.err.splitlines() if line.startswith("ERROR:")]
    assert len(error_lines) == 1
    assert error_lines[0].startswith("ERROR: site testserver: programs: GET https://discovery.example.com/api/v1/")
    assert error_lines[0].endswith("answered HTTP 500 (after 4 attempts). Nothing was changed on this site.")
    assert "could not be synced" in outcome.err
    assert "testserver FAILED (see ERROR above)" in [" ".join(line.split()) for line in outcome.out.splitlines()]


def test_a_missing_owner_organization_fails_the_site_and_saves_nothing(site, discovery):
    stranger = {"uuid": str(uuid.uuid4()), "key": "Unknown"}
    discovery.organization("KnownX")
    course = discovery.course("X+Y", owners=[stranger])

    outcome = copy_catalog()

    assert outcome.status == 1
    assert Organization.objects.count() == 0
    assert (
        f'ERROR: site testserver: courses page 1: course "{course["uuid"]}" names organization "{stranger["uuid"]}", '
        "which discovery did not return. Nothing was changed on this site." in outcome.err
    )


def test_a_program_run_discovery_did_not_return_is_reported_and_left_out(site, sample, discovery):
    ghost_run = {"uuid": str(uuid.uuid4()), "key": "course-v1:Ghost+1"}
    sample.science["courses"].append({"uuid": sample.physics["uuid"], "course_runs": [ghost_run]})

    outcome = copy_catalog()

    assert outcome.status == 0, outcome.err
    science = Program.objects.get(uuid=sample.science["uuid"])
    assert _uuids(api.get_ordered(science, "course_runs")) == [
        sample.chemistry["course_runs"][0]["uuid"],
        sample.physics["course_runs"][1]["uuid"],
    ]
    assert (
        f'WARNING: site testserver: program "{sample.science["uuid"]}" includes course run "{ghost_run["uuid"]}" of '
        f'course "{sample.physics["uuid"]}", which discovery did not return' in outcome.out
    )


def test_a_published_pathway_naming_an_unknown_program_fails_the_site(site, sample):
    sample.published["programs"].append({"uuid": str(uuid.uuid4())})

    outcome = copy_catalog()

    assert outcome.status == 1
    assert "ERROR: site testserver: pathways page 1: published pathway" in outcome.err
    assert Program.objects.count() == 0


# --- Paging and sites ------------------------------------------------------------------------------------


def test_paging_reads_every_page_until_next_is_null(site, discovery):
    organization = discovery.organization("BigX")
    for number in range(45):
        discovery.course(f"BigX+C{number}", owners=[organization])

    outcome = copy_catalog()

    assert outcome.status == 0
    assert Course.objects.count() == 45
    assert discovery.pages_requested("courses") == [1, 2, 3]
    courses_queries = [query for resource, query, _ in discovery.requests if resource == "courses"]
    assert all(query["exclude_utm"] == "1" and query["include_hidden_course_runs"] == "1" for query in courses_queries)
    assert all("page_size" not in query for query in courses_queries)  # discovery's default of 20 applies


def test_page_size_is_sent_to_discovery(site, discovery):
    organization = discovery.organization("BigX")
    for number in range(25):
        discovery.course(f"BigX+C{number}", owners=[organization])

    copy_catalog("--page-size", "10")

    assert discovery.pages_requested("courses") == [1, 2, 3]
    assert {query["page_size"] for resource, query, _ in discovery.requests} == {"10"}
    assert Course.objects.count() == 25


def test_requests_carry_the_service_token(site, sample, discovery):
    copy_catalog()

    assert {authorization for _, _, authorization in discovery.requests} == {"JWT test-service-token"}


def test_two_sites_with_the_same_course_run_uuid_each_link_their_own_run(site, sample, rsps):
    other_site, other_discovery = _second_site(rsps, "other.example.com")
    other_org = other_discovery.organization("OtherX")
    shared_course = {**sample.physics, "owners": [{"uuid": other_org["uuid"]}]}
    other_discovery.data["courses"].append(shared_course)
    other_discovery.data["programs"].append(
        {**sample.science, "authoring_organizations": [], "courses": [sample.science["courses"][1]]}
    )

    outcome = copy_catalog()

    assert outcome.status == 0, outcome.err
    shared_run_uuid = sample.physics["course_runs"][1]["uuid"]
    assert CourseRun.objects.filter(uuid=shared_run_uuid).count() == 2
    for each_site in (site, other_site):
        program = Program.objects.get(site=each_site, uuid=sample.science["uuid"])
        (run,) = [r for r in api.get_ordered(program, "course_runs") if str(r.uuid) == shared_run_uuid]
        assert run.course.site == each_site


def test_sites_without_configuration_catalog_url_or_records_are_skipped(site, sample, rsps):
    SiteFactory(domain="bare.example.com")
    disabled, disabled_discovery = _second_site(rsps, "disabled.example.com", records_enabled=False)

    outcome = copy_catalog()

    assert outcome.status == 0
    assert disabled_discovery.requests == []
    summary = [" ".join(line.split()) for line in outcome.out.splitlines()]
    assert "bare.example.com skipped: No configuration." in summary
    assert "disabled.example.com skipped: Records are disabled." in summary
    assert Organization.objects.filter(site=site).count() == 2


def test_site_option_syncs_only_that_site(site, sample, discovery, rsps):
    other_site, other_discovery = _second_site(rsps, "other.example.com")
    other_discovery.organization("OtherX")

    outcome = copy_catalog("--site", "other.example.com")

    assert outcome.status == 0
    assert discovery.requests == []
    assert list(Organization.objects.values_list("site__domain", flat=True)) == ["other.example.com"]


def test_an_unknown_site_is_a_usage_error(site, discovery):
    outcome = copy_catalog("--site", "nowhere.example.com")

    assert outcome.status == 2
    assert "No site has the domain nowhere.example.com" in outcome.err
    assert discovery.requests == []


def test_dry_run_reports_but_saves_nothing(site, sample):
    outcome = copy_catalog("--dry-run")

    assert outcome.status == 0
    assert "courses UUIDs added:" in outcome.out
    assert "Dry run: nothing was saved for site testserver." in outcome.out
    assert all(rows == [] for rows in catalog_rows().values())


# --- Output and exit status ------------------------------------------------------------------------------


def test_without_a_terminal_progress_is_one_line_per_page(site, discovery):
    organization = discovery.organization("BigX")
    for number in range(25):
        discovery.course(f"BigX+C{number}", owners=[organization])

    outcome = copy_catalog()

    assert "testserver courses page 1: 20/25 items" in outcome.out.splitlines()
    assert "testserver courses page 2: 25/25 items" in outcome.out.splitlines()
    assert "\r" not in outcome.out


class _Terminal(StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_progress_rewrites_one_line_per_resource(site, discovery):
    organization = discovery.organization("BigX")
    for number in range(25):
        discovery.course(f"BigX+C{number}", owners=[organization])
    terminal = _Terminal()

    call_command("copy_catalog", stdout=terminal)

    output = terminal.getvalue()
    assert "\rtestserver courses: 20/25 items, 1 page, " in output
    assert "\rtestserver courses: 25/25 items, 2 pages, " in output
    assert "courses page 1" not in output


def test_verbosity_0_prints_nothing_on_success(site, sample):
    outcome = copy_catalog("--verbosity", "0")

    assert outcome.status == 0
    assert outcome.out == ""
    assert Course.objects.count() == 3


def test_exit_status_of_the_real_command_line(site, sample, discovery, capsys):
    discovery.fail["organizations"] = [500] * 4

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "copy_catalog", "--verbosity", "0"]).execute()

    assert exited.value.code == 1
    assert "ERROR: site testserver: organizations: GET" in capsys.readouterr().err


def test_a_misconfigured_auth_mode_is_one_clear_error(site, sample, settings):
    settings.BACKEND_SERVICE_AUTH = "self-signed"
    settings.BACKEND_SERVICE_JWT_SECRET_KEY = ""

    outcome = copy_catalog()

    assert outcome.status == 1
    assert "copy_catalog is not configured correctly: BACKEND_SERVICE_AUTH is self-signed" in outcome.err


def test_verbosity_0_silences_skip_and_retry_logs_but_not_errors(site, sample, discovery, caplog):
    SiteFactory(domain="bare.example.com")
    discovery.fail["courses"] = [503]

    outcome = copy_catalog("--verbosity", "0")

    assert outcome.status == 0
    assert outcome.out == ""
    assert [record.getMessage() for record in caplog.records] == []
    discovery.fail["courses"] = [500] * 4

    outcome = copy_catalog("--verbosity", "0")

    assert outcome.status == 1
    assert "ERROR: site testserver: courses: GET" in outcome.err


def test_consecutive_pages_are_written_together_and_a_failure_names_them(site, discovery):
    organization = discovery.organization("BigX")
    for number in range(44):
        discovery.course(f"BigX+C{number}", owners=[organization])
    stranger = {"uuid": str(uuid.uuid4()), "key": "Unknown"}
    discovery.course("BigX+Last", owners=[stranger])  # the 45th course, on page 3

    outcome = copy_catalog()

    assert outcome.status == 1
    assert "ERROR: site testserver: courses pages 1-3: course " in outcome.err
    assert Course.objects.count() == 0


def test_resync_statements_grow_per_hundred_items_not_per_page(site, discovery):
    organization = discovery.organization("BigX")
    for number in range(100):
        discovery.course(f"BigX+C{number}", owners=[organization])
    copy_catalog()

    with CaptureQueriesContext(connection) as queries:
        copy_catalog()

    quote = connection.ops.quote_name
    course_rows = f"SELECT {quote('catalog_course')}.{quote('id')}"
    course_selects = [query for query in queries if query["sql"].startswith(course_rows)]
    assert len(course_selects) == 1  # five pages of 20, one batch
