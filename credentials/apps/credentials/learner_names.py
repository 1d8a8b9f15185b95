"""The name printed on a learner's certificate (spec/integration.md §1.3)."""

from dataclasses import dataclass

from credentials.apps.core import api as core_api
from credentials.apps.core import lms


@dataclass(frozen=True)
class LearnerName:
    username: str
    name: str  # printed on the certificate: the verified name when the learner chose it
    display_name: str  # the LMS profile name, for the congratulation banner


def get_learner_name(*, site, username):
    """The learner's name from the LMS (cached), falling back to the local user's name, then the username.

    The verified name is printed when the learner chose it for certificates (spec/integration.md §1.3).
    An unreachable LMS never fails the page (DESIGN.md §5.9).
    """
    configuration = core_api.get_site_configuration(site)
    data = None
    if configuration is not None:
        try:
            data = lms.get_user_data(configuration, username)
        except lms.LmsUnavailable:
            data = None
    lms_name = (data or {}).get("name") or ""
    if not lms_name:
        user = core_api.get_user_by_username(username)
        lms_name = (user.get_full_name() if user else "") or username
    printed = lms_name
    if data and data.get("use_verified_name_for_certs") and data.get("verified_name"):
        printed = data["verified_name"]
    return LearnerName(username=username, name=printed, display_name=lms_name)
