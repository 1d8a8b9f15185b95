"""Every page sends a Content-Security-Policy that the page itself satisfies: Chromium reports no violation
(issue 14). The pages are those of `make run`'s demo, anonymous, as a learner and as staff."""

import pytest

from credentials.apps.credentials.models import UserCredential
from credentials.apps.records.demo import load_demo_data

pytestmark = pytest.mark.django_db(transaction=True)

# Collects violations as the page sees them (the console message is the other witness, below).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


@pytest.fixture
def demo(db):
    data = load_demo_data()
    program_hex = data["program"].uuid.hex
    certificates = [credential.uuid.hex for credential in data["certificates"]]
    return {"program_hex": program_hex, "certificates": certificates, "site": data["site"]}


def visit(new_page, live_server, paths, *, sign_in_as=None, staff=False, expect_ok=False):
    """Open each path in one browser; return {path: [problems]} for those with a missing header or a violation
    (and, with ``expect_ok``, an answer other than 200)."""
    page = new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    if sign_in_as:
        flags = f"staff={str(staff).lower()}&superuser={str(staff).lower()}"
        page.goto(f"{live_server.url}/auto_auth/?username={sign_in_as}&{flags}&next=/health/")
    problems = {}
    for path in paths:
        console.clear()
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        found = [f"status {response.status}"] if expect_ok and response.status != 200 else []
        if "content-security-policy" not in response.headers:
            found.append("no Content-Security-Policy header")
        found += page.evaluate("window.__cspViolations")
        found += [text for text in console if "Content Security Policy" in text]
        if found:
            problems[path] = found
    return problems


def test_anonymous_pages_satisfy_their_policy(new_page, live_server, demo):
    paths = [
        "/",
        "/api-docs/",
        "/verify/",
        "/admin/login/",
        "/credentials/example/",
        *[f"/credentials/{uuid}/" for uuid in demo["certificates"]],
        "/api/v2/",
        "/no-such-page/",
        "/login/inactive/",
    ]

    assert visit(new_page, live_server, paths) == {}


def test_the_sign_in_page_without_an_lms_satisfies_its_policy(new_page, live_server, demo, settings):
    settings.SOCIAL_AUTH_EDX_OAUTH2_URL_ROOT = settings.SOCIAL_AUTH_EDX_OAUTH2_PUBLIC_URL_ROOT = None

    assert visit(new_page, live_server, ["/login/?next=/records/"]) == {}


def test_a_learners_pages_satisfy_their_policy(new_page, live_server, demo):
    paths = [
        "/records/",
        f"/records/programs/{demo['program_hex']}/",
        f"/credentials/{demo['certificates'][0]}/",
        "/verifiable_credentials/wallet/",
    ]

    assert visit(new_page, live_server, paths, sign_in_as="alice") == {}


def test_staff_pages_and_the_admin_satisfy_their_policy(new_page, live_server, demo):
    credential = UserCredential.objects.order_by("pk").first()
    paths = [
        "/admin/",
        "/admin/core/user/",
        "/admin/core/user/add/",
        "/admin/credentials/usercredential/",
        f"/admin/credentials/usercredential/{credential.pk}/change/",
        "/admin/credentials/programcertificate/",
        "/admin/credentials/programcertificate/add/",
        "/admin/catalog/program/",
        f"/credentials/example/{demo['program_hex']}/",
        f"/records/programs/{demo['program_hex']}/?username=bob",
        "/management/",
        "/api/v2/credentials/?username=alice",
    ]

    assert visit(new_page, live_server, paths, sign_in_as="csp_staff", staff=True) == {}


def test_the_check_sees_a_violation(new_page, live_server, demo, settings):
    """The control: a page that breaks the policy is reported, so the tests above can fail."""
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'; style-src 'none'"

    problems = visit(new_page, live_server, ["/admin/login/"])

    assert problems and any("style-src" in problem for problem in problems["/admin/login/"])


def test_badge_pages_and_their_admin_satisfy_their_policy(new_page, live_server, demo):
    """Badges (issue 18): the public badge page, the learner's progress, the badges on /records/, and the
    templates admin with its rule pages."""
    from credentials.apps.badges.models import BadgePenalty
    from tests.badges.local_helpers import award, local_template
    from tests.badges.progress_helpers import PASSING, fulfil, requirement

    template = local_template(demo["site"], name="Demo Badge", tags=["demo"])
    done, _ = requirement(template, "A", "Pass A"), requirement(template, "B", "Pass B")
    fulfil("alice", done)
    other = local_template(demo["site"], name="Earned Badge")
    fulfil("alice", requirement(other, "A", "Pass C"))
    badge = award(other, "alice")
    penalty = BadgePenalty.objects.create(template=template, event_type=PASSING)

    public = [f"/badges/credentials/{badge.uuid.hex}/"]
    learner = ["/badges/progress/", "/records/", f"/badges/credentials/{badge.uuid.hex}/"]
    staff = [
        f"/admin/badges/localbadgetemplate/{template.pk}/change/",
        "/admin/badges/localbadgetemplate/add/",
        f"/admin/badges/badgerequirement/{done.pk}/change/",
        f"/admin/badges/badgepenalty/{penalty.pk}/change/",
        "/admin/badges/badgeprogress/",
        f"/admin/badges/localbadge/{badge.pk}/change/",
        "/badges/progress/?username=alice",
    ]

    assert visit(new_page, live_server, public, expect_ok=True) == {}
    assert visit(new_page, live_server, learner, sign_in_as="alice", expect_ok=True) == {}
    assert visit(new_page, live_server, staff, sign_in_as="csp_staff", staff=True, expect_ok=True) == {}
