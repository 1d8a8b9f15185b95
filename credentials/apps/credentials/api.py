"""What the credentials app offers other code; the rules live in the modules named here.

- issuing.py: issue, re-issue, revoke and change the status of a credential (spec/models.md §4.1-4.2).
- configurations.py: the program and course-run certificate configurations a credential is issued from.
- visibility.py: when a learner may see a credential and the date it shows (spec/models.md §4.6).
- listing.py: credentials of a site, the API's list filters, credential attributes.
- certificates.py: what a certificate page shows; the staff preview and the example certificate.
- learner_names.py: the name printed on a certificate.
- freshness.py: whether a cached certificate page is still right.
- maintenance.py: bulk revocation and the other operators' commands (spec/integration.md §3.3).

Other apps import only this module (DESIGN.md §4); the modules above import each other directly.
"""

from credentials.apps.credentials.certificate_example import example_certificate
from credentials.apps.credentials.certificates import (
    COURSE_CERTIFICATE_TYPE_NAMES,
    PREVIEW_CREDENTIAL_UUID,
    Certificate,
    CertificateOrganization,
    CertificateSignatory,
    get_certificate,
    org_name_string,
    preview_program_certificate,
    render_language,
)
from credentials.apps.credentials.configurations import (
    ConfigurationError,
    get_active_program_certificate,
    get_course_certificate_in_use,
    get_or_create_course_certificate,
    resolve_configuration,
    update_course_certificate,
    upsert_course_certificate,
)
from credentials.apps.credentials.freshness import certificate_freshness
from credentials.apps.credentials.issuing import AWARDED, REVOKED, issue_credential, revoke_credential, set_status
from credentials.apps.credentials.learner_names import LearnerName, get_learner_name
from credentials.apps.credentials.listing import (
    attribute_pairs,
    credentials_on_site,
    filter_credentials,
    load_attribute_pairs,
    with_configuration_fields,
)
from credentials.apps.credentials.maintenance import (
    REVOCABLE_CONFIGURATION_MODELS,
    BulkRevocation,
    MaintenanceError,
    create_program_certificate_configuration,
    link_course_certificates_to_runs,
    revoke_credentials_of_learners,
)
from credentials.apps.credentials.visibility import (
    content_type_ids,
    course_available_now,
    course_content_type,
    course_visible_date,
    filter_visible,
    program_content_type,
    program_visible_date,
    with_visible_dates,
)

__all__ = [
    "certificate_page_context",
    "AWARDED",
    "COURSE_CERTIFICATE_TYPE_NAMES",
    "PREVIEW_CREDENTIAL_UUID",
    "REVOCABLE_CONFIGURATION_MODELS",
    "REVOKED",
    "BulkRevocation",
    "Certificate",
    "CertificateOrganization",
    "CertificateSignatory",
    "ConfigurationError",
    "LearnerName",
    "MaintenanceError",
    "attribute_pairs",
    "certificate_freshness",
    "content_type_ids",
    "course_available_now",
    "course_content_type",
    "course_visible_date",
    "create_program_certificate_configuration",
    "credentials_on_site",
    "example_certificate",
    "filter_credentials",
    "filter_visible",
    "get_active_program_certificate",
    "get_certificate",
    "get_learner_name",
    "get_course_certificate_in_use",
    "get_or_create_course_certificate",
    "issue_credential",
    "link_course_certificates_to_runs",
    "load_attribute_pairs",
    "org_name_string",
    "preview_program_certificate",
    "program_content_type",
    "program_visible_date",
    "render_language",
    "resolve_configuration",
    "revoke_credential",
    "revoke_credentials_of_learners",
    "set_status",
    "update_course_certificate",
    "upsert_course_certificate",
    "with_configuration_fields",
    "with_visible_dates",
]


def certificate_page_context(request, certificate, learner, **options):
    """The template context of a certificate's page (certificate.py), for the renderings of the page that
    other apps make (the PDF and the social preview, verifiable/printable.py). Imported when called:
    certificate.py itself calls this module."""
    from credentials.apps.credentials.certificate import page_context

    return page_context(request, certificate, learner, **options)
