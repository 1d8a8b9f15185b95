"""The fake certificate of /credentials/example/ (spec/pages.md §4.1), for theme authors."""

import uuid as uuid_module

from django.utils import timezone
from django.utils.text import slugify

from credentials.apps.credentials.certificates import (
    Certificate,
    CertificateOrganization,
    CertificateSignatory,
    program_type_name,
    render_language,
)
from credentials.apps.credentials.constants import PROGRAM_TYPE


def example_certificate(*, program_type=None):
    """The fake certificate of /credentials/example/ (spec/pages.md §4.1): no database, no LMS."""
    program_type = program_type_name((program_type or "Professional Certificate")[:100])
    organization = CertificateOrganization(
        key="ExampleX",
        name="Example University",
        display_name="Absolutely Fake University",
        logo_url=None,
    )
    return Certificate(
        kind=PROGRAM_TYPE,
        uuid=uuid_module.uuid4(),
        username="",
        title="Completely Example Program",
        credential_title=None,
        type_name=program_type,
        type_slug=slugify(program_type),
        organizations=(organization,),
        signatories=(
            CertificateSignatory(
                name="Pseudo McFakerson",
                title="Professor...really just Some Guy",
                organization="Parts Unknown",
                image_url=None,
            ),
        ),
        issue_date=timezone.now(),
        language=render_language(None),
        program_uuid=uuid_module.uuid4(),
    )
